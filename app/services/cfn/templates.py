"""Template bodies: assignment resources, DependsOn chains, parameters, parent and child templates.

A child stack cannot see the parent's parameters or resources, so every value an assignment
in a child needs from the parent (a ``!Ref``, a ``!GetAtt`` of a permission set, a ``!Sub``
over parameters) is evaluated in the parent and handed down as a String parameter. Values
that need nothing from the parent (literals, ``${AWS::Partition}``) stay inline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.services.cfn.assignments import Assignment
from app.services.cfn.ids import alnum, unique_names
from app.services.cfn.intrinsics import Reference, Term, references
from app.services.errors import InvalidInput

MAX_PARAMETERS = 200  # CloudFormation's quota per template
TOP_LEVEL_ORDER = ("AWSTemplateFormatVersion", "Transform", "Description", "Metadata", "Parameters", "Rules",
                   "Mappings", "Conditions", "Resources", "Outputs")


def terms_of(assignment: Assignment) -> tuple[Term, ...]:
    return (assignment.instance, assignment.principal_id, assignment.permission_set, assignment.account)


def needs_parent(term: Term) -> bool:
    return not term.is_literal and next(references(term.value), None) is not None


def reference_parameters(name: str, values: Iterable[Any], defined: set[str], resources: set[str], conditions: set[str]) -> list[str]:
    """Names the values refer to that the template lacks: each becomes a String parameter.

    A ``!GetAtt`` or condition cannot be supplied as a parameter, so one to an unknown name is an error.
    """
    missing: set[str] = set()
    for reference in _all_references(values):
        if reference.condition:
            if reference.name not in conditions:
                raise InvalidInput(f"{name}: condition {reference.name} is not defined in the template")
        elif reference.attribute is not None:
            if reference.name not in resources:
                raise InvalidInput(f"{name}: !GetAtt {reference.name}.{reference.attribute} names no resource of the template")
        elif reference.name not in defined:
            missing.add(reference.name)
    return sorted(missing)


def _all_references(values: Iterable[Any]) -> Iterable[Reference]:
    for value in values:
        yield from references(value)


def assignment_resources(assignments: list[Assignment], value_of: Callable[[Term], Any], max_concurrent: int) -> dict[str, Any]:
    """Resources sorted by logical ID; each waits for the one ``max_concurrent`` places earlier."""
    ordered = sorted(assignments, key=lambda assignment: assignment.logical_id)
    group_metadata: dict[int, dict[str, str]] = {}
    resources: dict[str, Any] = {}
    for index, assignment in enumerate(ordered):
        resource: dict[str, Any] = {"Type": "AWS::SSO::Assignment"}
        if index >= max_concurrent:
            resource["DependsOn"] = ordered[index - max_concurrent].logical_id
        group = assignment.group
        metadata = group_metadata.get(id(group))
        if metadata is None:
            metadata = group_metadata[id(group)] = _present({"AssignmentGroupResourceName": group.resource_name, "AssignmentGroupName": group.name})
        if assignment.source_ou or assignment.names:
            metadata = {**metadata, **_present({"AccountSourceOU": assignment.source_ou}), **assignment.names}
        if metadata:
            resource["Metadata"] = {"SSO": metadata}
        resource["Properties"] = {
            "InstanceArn": value_of(assignment.instance),
            "PrincipalType": assignment.principal_type,
            "PrincipalId": value_of(assignment.principal_id),
            "PermissionSetArn": value_of(assignment.permission_set),
            "TargetType": "AWS_ACCOUNT",
            "TargetId": value_of(assignment.account),
        }
        resources[assignment.logical_id] = resource
    return resources


def _present(values: dict[str, str | None]) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}


def child_template(description: str, assignments: list[Assignment], max_concurrent: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A child template, and the Parameters its Stack resource passes from the parent."""
    distinct = {term.key: term for assignment in assignments for term in terms_of(assignment)}
    handed_down = {key: term for key, term in distinct.items() if needs_parent(term)}
    names = unique_names(((key, _parameter_name(term.value)) for key, term in handed_down.items()),
                         reserved={assignment.logical_id for assignment in assignments})
    if len(names) > MAX_PARAMETERS:
        raise InvalidInput(f"{description}: needs {len(names)} values from the parent, over CloudFormation's {MAX_PARAMETERS} parameters")
    values = {key: {"Ref": names[key]} if key in names else term.value for key, term in distinct.items()}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": description,
        **({"Parameters": {name: {"Type": "String"} for name in sorted(names.values())}} if names else {}),
        "Resources": assignment_resources(assignments, lambda term: values[term.key], max_concurrent),
    }
    passed = {names[key]: handed_down[key].value for key in sorted(names, key=names.__getitem__)}
    return template, passed


def _parameter_name(value: Any) -> str:
    ((function, argument),) = value.items()
    if function == "Ref" and isinstance(argument, str):
        return alnum(argument) or "Value"
    if function == "Fn::GetAtt" and isinstance(argument, list) and len(argument) == 2 and all(isinstance(a, str) for a in argument):
        return alnum(argument[0]) + ("" if argument[1] == "PermissionSetArn" else alnum(argument[1]))
    first = next(references(value), None)
    return (alnum(first.name) if first else "") + "Value"


def ordered_template(template: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's usual section order first, anything else after, empty sections left out."""
    keys = [key for key in TOP_LEVEL_ORDER if key in template] + [key for key in template if key not in TOP_LEVEL_ORDER]
    return {key: template[key] for key in keys if template[key] not in (None, {}, [])}


def check_parameters(name: str, parameters: dict[str, Any]) -> None:
    if len(parameters) > MAX_PARAMETERS:
        raise InvalidInput(f"{name}: the parent template would have {len(parameters)} parameters, over CloudFormation's {MAX_PARAMETERS}")
