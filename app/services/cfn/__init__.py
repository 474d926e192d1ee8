"""CloudFormation for Identity Center assignments: concise inputs in, AWS::SSO::Assignment templates out.

``reader`` parses inputs (YAML with CloudFormation short tags, or JSON) keeping a line for
every key; ``config_input`` and ``macro_input`` validate them into assignment groups;
``generate`` builds one input's templates; ``files`` plans every file before writing any.
The deployed macro (``macro``) runs the same build inside Lambda.
"""
