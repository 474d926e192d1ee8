"""One input's templates, built the same way on your machine and inside the deployed macro.

``build_unit`` is pure apart from the ``publish`` callback, which receives each child
template and returns its TemplateURL: the command keeps the text for a file beside the
parent, the macro uploads it to S3.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.services.cfn.assignments import Assignment, add_names, expand
from app.services.cfn.ids import alnum, unique_names
from app.services.cfn.intrinsics import Term
from app.services.cfn.layout import plan_layout
from app.services.cfn.model import Unit
from app.services.cfn.permission_sets import PERMISSION_SET_TYPE, finish, inline_resources
from app.services.cfn.resolver import OuAccounts, Resolver
from app.services.cfn.templates import (assignment_resources, check_parameters, child_template, needs_parent, ordered_template,
                                        reference_parameters, terms_of)
from app.services.errors import InvalidInput

Publish = Callable[[int, dict[str, Any]], str]  # (child index, child template) -> TemplateURL


@dataclass
class BuiltUnit:
    parent: dict[str, Any]
    assignments: list[Assignment]  # with logical IDs
    child_of: dict[str, int]  # logical ID -> child index, for assignments placed in a child


def build_unit(unit: Unit, *, publish: Publish, ou_accounts: OuAccounts, resolver: Resolver | None = None,
               lookup_names: bool = False, cli_instance: Term | None = None) -> BuiltUnit:
    base = copy.deepcopy(unit.base)
    parameters: dict[str, Any] = dict(base.get("Parameters") or {})
    conditions = set(base.get("Conditions") or {})
    base_resources: dict[str, Any] = dict(base.get("Resources") or {})
    inline = inline_resources(unit.groups, set(base_resources) | set(parameters) | conditions)
    _refuse_shadowed_names(unit.name, base_resources, inline.resources)
    assignments = expand(unit.groups, inline.terms, ou_accounts)
    if lookup_names:
        add_names(assignments, resolver, inline.names)
    resources = _finished({**base_resources, **inline.resources}, unit, cli_instance or _single_instance(unit))
    distinct = {term.key: term for assignment in assignments for term in terms_of(assignment)}
    expressions = {key: term.value for key, term in distinct.items() if needs_parent(term)}
    missing = reference_parameters(unit.name, [*expressions.values(), *inline.resources.values()],
                                   set(parameters) | set(resources), set(resources), conditions)
    parameters.update({name: {"Type": "String"} for name in missing})
    check_parameters(unit.name, parameters)
    layout = plan_layout(unit.name, assignments, unit.settings, len(resources))
    taken = set(resources) | set(parameters) | conditions
    filled = [index for index, placed in enumerate(layout.bins) if placed] if layout.children else []
    stack_ids = unique_names(((str(index), f"{alnum(unit.stem) or 'Assignments'}{index:03d}") for index in filled), taken)
    ids = unique_names(((assignment.key, assignment.wanted_id) for assignment in assignments), taken | set(stack_ids.values()))
    for assignment in assignments:
        assignment.logical_id = ids[assignment.key]
    child_of: dict[str, int] = {}
    if layout.children:
        _add_children(resources, unit, layout.bins, {index: stack_ids[str(index)] for index in filled}, publish, child_of)
    else:
        resources.update(assignment_resources(assignments, lambda term: term.value, unit.settings.max_concurrent))
    if not resources:
        raise InvalidInput(f"{unit.name}: nothing to generate: the OUs named hold no active accounts")
    parent = ordered_template({
        **base,
        "AWSTemplateFormatVersion": base.get("AWSTemplateFormatVersion", "2010-09-09"),
        "Description": base.get("Description", f"Identity Center assignments from {unit.stem}"),
        "Parameters": parameters,
        "Resources": resources,
    })
    return BuiltUnit(parent, assignments, child_of)


def _finished(resources: dict[str, Any], unit: Unit, instance: Term | None) -> dict[str, Any]:
    """The parent's own resources, every permission set among them finished."""
    return {
        logical_id: finish(logical_id, resource, instance=instance, default_duration=unit.settings.default_session_duration, where=unit.name)
        if isinstance(resource, dict) and resource.get("Type") == PERMISSION_SET_TYPE else resource
        for logical_id, resource in resources.items()
    }


def _add_children(resources: dict[str, Any], unit: Unit, bins: list[list[Assignment]], stack_ids: dict[int, str],
                  publish: Publish, child_of: dict[str, int]) -> None:
    """One Stack resource per non-empty child, each waiting for the previous one."""
    previous = None
    for index, stack_id in stack_ids.items():
        child, passed = child_template(f"Identity Center assignments, part {index:03d} of {unit.stem}", bins[index], unit.settings.max_concurrent)
        stack: dict[str, Any] = {"Type": "AWS::CloudFormation::Stack"}
        if previous:
            stack["DependsOn"] = previous
        stack["Properties"] = {"TemplateURL": publish(index, child), **({"Parameters": passed} if passed else {})}
        resources[stack_id] = stack
        previous = stack_id
        child_of.update((assignment.logical_id, index) for assignment in bins[index])


def _single_instance(unit: Unit) -> Term | None:
    """The instance for base-template permission sets without InstanceArn: the groups' one, if they agree."""
    keys = {group.instance.key: group.instance for group in unit.groups}
    return next(iter(keys.values())) if len(keys) == 1 else None


def _refuse_shadowed_names(name: str, base: dict[str, Any], inline: dict[str, Any]) -> None:
    """A permission set name defined both inline and in the base template would fail at deploy time."""
    def literal_names(resources: dict[str, Any]) -> dict[str, str]:
        return {
            resource["Properties"]["Name"]: logical_id
            for logical_id, resource in resources.items()
            if isinstance(resource, dict) and resource.get("Type") == PERMISSION_SET_TYPE
            and isinstance(resource.get("Properties"), dict) and isinstance(resource["Properties"].get("Name"), str)
        }

    clash = sorted(set(literal_names(base)) & set(literal_names(inline)))
    if clash:
        raise InvalidInput(f"{name}: permission set {clash[0]} is defined both inline and as {literal_names(base)[clash[0]]} in the template")
