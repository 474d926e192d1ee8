"""CloudFormation for Identity Center assignments: concise inputs in, AWS::SSO::Assignment templates out.

``documents`` reads inputs (YAML with CloudFormation short tags, or JSON) keeping a line for
every key; ``config_schema`` and ``macro_input`` turn them into assignment groups;
``generate`` plans every template (pure), and ``output`` writes the plan. The deployed
macro (``macro``) runs the same planning inside Lambda.
"""
