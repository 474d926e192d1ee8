"""Live assignments as Terraform: one ``aws_ssoadmin_account_assignment`` resource each, with
an ``import`` block (Terraform 1.5 or later) that adopts the existing assignment rather than
creating it again, so the first plan imports everything and changes nothing.

Resource names are built from the assignment's IDs (principal type and ID, permission set
ID, account ID), never from names: a rename in Identity Center or ``--no-lookup-names`` does
not rename a resource, and one assignment's name never depends on the others. Names go in
a comment above each resource.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from app.printable import one_line

Triple = tuple[str, str, str, str]  # (principal type, principal ID, permission set ARN, account ID)
RESOURCE = "aws_ssoadmin_account_assignment"
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_AS_IS = re.compile(r"[ !#-\[\]-~]*")  # printable ASCII but quotes and backslashes (IDs and ARNs)


def render_terraform(instance_arn: str, triples: Iterable[Triple], names: Mapping[str, str] | None = None) -> str:
    """``names`` maps principal IDs, permission set ARNs and account IDs to names, for comments."""
    names = names or {}
    labels = resource_names(set(triples))
    blocks = [
        f"# {len(labels)} Identity Center assignment{'s' * (len(labels) != 1)} of {one_line(instance_arn)}.\n"
        "# The import blocks (Terraform 1.5 or later) adopt the existing assignments: the first plan\n"
        "# imports each one and creates nothing. Apply with the aws provider in the instance's region.\n"
    ]
    for triple, label in sorted(labels.items(), key=lambda item: item[1]):
        principal_type, principal_id, permission_set, account = triple
        attributes = {
            "instance_arn": instance_arn, "permission_set_arn": permission_set, "principal_id": principal_id,
            "principal_type": principal_type, "target_id": account, "target_type": "AWS_ACCOUNT",
        }
        body = "".join(f"  {key:<18} = {hcl_string(value)}\n" for key, value in attributes.items())
        import_id = ",".join((principal_id, principal_type, account, "AWS_ACCOUNT", permission_set, instance_arn))
        blocks.append(
            _comment(triple, names)
            + f'resource "{RESOURCE}" "{label}" {{\n{body}}}\n\n'
            + f"import {{\n  to = {RESOURCE}.{label}\n  id = {hcl_string(import_id)}\n}}\n"
        )
    return "\n".join(blocks)


def resource_names(triples: set[Triple]) -> dict[Triple, str]:
    """``group_<id>_ps-<id>_<account>``: a valid identifier (letters, digits, ``_`` and ``-``,
    starting with a letter). Should two assignments reduce to one name (only IDs with other
    characters can), both get a hash of what they are appended."""
    wanted = {
        triple: _NOT_IN_NAME.sub("_", f"{triple[0].lower()}_{triple[1]}_{triple[2].rsplit('/', 1)[-1]}_{triple[3]}")
        for triple in triples
    }
    count = Counter(wanted.values())
    return {
        triple: name if count[name] == 1 else f"{name}_{hashlib.sha256(chr(31).join(triple).encode()).hexdigest()[:12]}"
        for triple, name in wanted.items()
    }


def hcl_string(value: str) -> str:
    """A quoted HCL string: escapes as in JSON, and ``${``/``%{`` doubled so they stay literal."""
    if _AS_IS.fullmatch(value) and "{" not in value:
        return f'"{value}"'
    text = "".join(_ESCAPES.get(char) or (char if char.isprintable() else _unicode_escape(char)) for char in value)
    return '"' + text.replace("${", "$${").replace("%{", "%%{") + '"'


def _unicode_escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _comment(triple: Triple, names: Mapping[str, str]) -> str:
    """``# Admins (group) -> AdministratorAccess in Dev (111111111111)``, when any name is known."""
    principal_type, principal_id, permission_set, account = triple
    if not any(names.get(key) for key in (principal_id, permission_set, account)):
        return ""
    principal = names.get(principal_id) or principal_id
    permission_set_name = names.get(permission_set) or permission_set.rsplit("/", 1)[-1]
    account_name = f"{names[account]} ({account})" if names.get(account) else account
    return f"# {one_line(principal)} ({principal_type.lower()}) -> {one_line(permission_set_name)} in {one_line(account_name)}\n"
