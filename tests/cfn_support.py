"""Helpers for the cfn tests: cfn-lint over every template they produce, an in-memory Resolver, IDs."""

from __future__ import annotations

import uuid
from pathlib import Path

import yaml
from support import run_admin_cfn

from app.services.cfn.reader import load_text

INSTANCE_ID = "ssoins-69e2ecd0b249f0cd"
INSTANCE = f"arn:aws:sso:::instance/{INSTANCE_ID}"
GROUP = "6c1645fc-37b5-40ba-8c3d-5216b9055505"
USER = "9067d2a4-1234-4a5b-8c9d-0123456789ab"
PS = f"arn:aws:sso:::permissionSet/{INSTANCE_ID}/ps-45b2cb9e8a6aee12"
PS_ID = "ps-45b2cb9e8a6aee13"
# W3002: a local TemplateURL works only through `aws cloudformation package`, which is the intent.
EXPECTED_WARNINGS = {"W3002"}


def principal(n: int) -> str:
    return str(uuid.UUID(int=n + 1, version=4))


def account(n: int) -> str:
    return f"{100000000000 + n:012d}"


def permission_set(n: int) -> str:
    return f"arn:aws:sso:::permissionSet/{INSTANCE_ID}/ps-{n:016x}"


def read_template(path: Path) -> dict:
    """A template as data: libyaml for speed, ssodeck's reader for short tags (generated templates have none)."""
    text = Path(path).read_text()
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.constructor.ConstructorError:
        return load_text(text, str(path))[0].data


_linted: dict[str, list[str]] = {}  # template text -> problems, so identical templates are linted once per session


def lint_text(text: str) -> list[str]:
    """cfn-lint's findings as ``line: rule message``, its rules loaded once per process."""
    if text not in _linted:
        import cfnlint.api
        from cfnlint.config import ConfigMixIn
        from cfnlint.runner import Runner

        global _rules
        if _rules is None:
            _rules = Runner(ConfigMixIn(regions=["us-east-1"])).rules
        _linted[text] = [f"{match.linenumber}: {match.rule.id} {match.message}"
                         for match in cfnlint.api.lint(text, rules=_rules, regions=["us-east-1"]) if match.rule.id not in EXPECTED_WARNINGS]
    return _linted[text]


_rules = None


def check_templates(paths, *, limit: int = 500) -> None:
    """Every template lints clean with cfn-lint (errors and unexpected warnings) and holds at most ``limit`` resources."""
    problems = []
    for path in paths:
        path = Path(path)
        count = len(read_template(path)["Resources"])
        assert 0 < count <= limit, f"{path} holds {count} resources (limit {limit})"
        problems += [f"{path}:{problem}" for problem in lint_text(path.read_text())]
    assert not problems, "\n".join(problems)


def templates_in(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def cfn(*args: str, cwd: Path | None = None, limit: int = 500):
    """Run the command; every template it reports writing must lint clean and respect the limit."""
    done = run_admin_cfn(*args, cwd=cwd)
    written = [Path(cwd or ".", line) for line in done.stdout.splitlines()]
    check_templates([path for path in written if path.suffix != ".csv"], limit=limit)
    return done


class FakeOrg:
    """An in-memory Resolver: the seam generation uses for Organizations and name lookups."""

    def __init__(self, *, ous: dict[str, list[str]] | None = None, children: dict[str, list[str]] | None = None,
                 names: dict[str, str] | None = None, instance: str = INSTANCE) -> None:
        self.ous, self.children, self.names, self.instance = ous or {}, children or {}, names or {}, instance
        self.calls: list[tuple] = []

    def instance_arn(self) -> str:
        self.calls.append(("instance_arn",))
        return self.instance

    def accounts_in_ou(self, ou_id: str, recursive: bool) -> list[str]:
        self.calls.append(("accounts_in_ou", ou_id, recursive))
        found = list(self.ous.get(ou_id, []))
        if recursive:
            for child in self.children.get(ou_id, []):
                found += self.accounts_in_ou(child, True)
        return found

    def principal_name(self, principal_type: str, principal_id: str) -> str | None:
        return self.names.get(principal_id)

    def permission_set_name(self, instance_id: str, permission_set_id: str) -> str | None:
        return self.names.get(f"{instance_id}/{permission_set_id}")

    def account_name(self, account_id: str) -> str | None:
        return self.names.get(account_id)
