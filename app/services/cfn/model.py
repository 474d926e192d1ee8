"""What the inputs mean, once validated: assignment groups, inline permission sets, settings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.services.cfn.intrinsics import Term

DEFAULT_MAX_RESOURCES = 500  # CloudFormation's quota of resources per template
DEFAULT_MAX_CONCURRENT = 20


@dataclass(frozen=True)
class Principal:
    type: str  # GROUP or USER
    id: Term


@dataclass(frozen=True)
class OuTarget:
    ou_id: str
    recursive: bool
    where: str  # file:line, for errors that arise while expanding it


@dataclass(frozen=True)
class InlinePermissionSet:
    """A permission set defined in the input; it becomes an AWS::SSO::PermissionSet resource."""

    name: Term
    properties: dict[str, Any]
    where: str

    @property
    def key(self) -> str:
        return "PermissionSet:" + self.name.key


@dataclass
class AssignmentGroup:
    """Principals x permission sets x targets, from one config document or one macro resource."""

    name: str | None
    resource_name: str | None
    where: str
    instance: Term
    principals: list[Principal]
    permission_sets: list[Term | InlinePermissionSet]
    accounts: list[Term]
    ous: list[OuTarget] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """Generation keys. Unset fields (None) take the next layer's value, then the default."""

    num_child_stacks: int | None = None
    max_assignments_allocation: int | None = None
    default_session_duration: str | None = None
    max_resources_per_template: int | None = None
    max_concurrent_assignments: int | None = None

    def over(self, lower: Settings) -> Settings:
        """These settings where set, ``lower`` elsewhere (CLI over file, metadata over macro env)."""
        return Settings(**{
            f.name: getattr(lower, f.name) if getattr(self, f.name) is None else getattr(self, f.name)
            for f in dataclasses.fields(self)
        })

    @property
    def max_resources(self) -> int:
        return self.max_resources_per_template or DEFAULT_MAX_RESOURCES

    @property
    def max_concurrent(self) -> int:
        return self.max_concurrent_assignments or DEFAULT_MAX_CONCURRENT


@dataclass
class Unit:
    """One input file's worth of templates: a parent (holding ``base``) and its child stacks."""

    name: str  # the input as the user gave it, for messages
    stem: str
    base: dict[str, Any]
    groups: list[AssignmentGroup]
    settings: Settings
