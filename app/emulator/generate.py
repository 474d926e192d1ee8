"""A deterministic generator of realistic, awkward organisations.

Real orgs are messy, and the faces must cope: names with brackets, accents and CJK, names
longer than any column, names that differ only in case or punctuation, suspended accounts,
roles that reach a user both directly and through a group. The awkward names come first so
that even a five-account org exercises most of them; everything else is drawn from one
``random.Random(seed)`` so the same arguments always give the same org.
"""

from __future__ import annotations

import hashlib
import random

from app.emulator.org import Org, User

# (name, OU path) pairs placed first, in this order.
AWKWARD_ACCOUNTS: tuple[tuple[str, str], ...] = (
    ("Management", "Root"),
    ("[Sandbox] Team A", "Root/Sandbox"),
    ("Café Ünïcode", "Root/Workloads/NonProd"),
    ("日本 Prod", "Root/Workloads/Prod"),
    ("Data Platform — Production Analytics & Reporting Workloads (eu-west-1)", "Root/Workloads/Prod"),
    ("Shared Services", "Root/Infrastructure"),
    ("shared-services", "Root/Infrastructure"),
    ("Log Archive", "Root/Security"),
    ("[Sandbox] team-a", "Root/Sandbox"),
    ("Security Tooling", "Root/Security"),
    ("Payments Prod", "Root/Workloads/Prod"),
    ("payments.prod", "Root/Workloads/Prod"),
)
TEAMS = ("Identity", "Search", "Checkout", "Mobile", "Web Storefront", "ML Research", "Networking",
         "Observability", "Marketing Site", "Data Lake", "Fraud Detection", "Customer Support Tools")
ENVIRONMENTS = (("Prod", "Root/Workloads/Prod"), ("Staging", "Root/Workloads/NonProd"),
                ("Dev", "Root/Workloads/NonProd"), ("QA", "Root/Workloads/NonProd"), ("Sandbox", "Root/Sandbox"))
PERMISSION_SETS: tuple[tuple[str, str, str], ...] = (
    ("AdministratorAccess", "Full access to every service", "PT1H"),
    ("ReadOnlyAccess", "Read-only access to every service", "PT4H"),
    ("PowerUserAccess", "Everything except IAM and Organizations", "PT2H"),
    ("Billing", "Billing and cost management", "PT1H"),
    ("DeveloperAccess", "Deploy and debug workloads", "PT8H"),
    ("SecurityAudit", "Read security configuration", "PT1H"),
    ("ProductionDatabaseOperatorAccess", "RDS and DynamoDB operations in production", "PT1H"),
    ("DataPlatform-Analytics.ReadWrite", "Read and write the analytics lake", "PT12H"),
    ("NetworkAdministrator@SharedVPC", "Manage the shared VPCs and Transit Gateway", "PT2H"),
)
ADMINISTRATOR = PERMISSION_SETS[0][0]
SHOWCASE = "Payments Prod"  # the user is its administrator in every generated org
PEOPLE = ("bob", "carol", "dave", "erin", "frank", "grace", "heidi")
SURNAMES = ("Anderson", "Okafor", "Nakamura", "Müller", "García", "O'Brien", "Kowalski")
GROUPS = ("Developers", "Platform Engineers", "Administrators", "Read Only Auditors", "Billing Team")


def generate_org(accounts: int, seed: int = 0, user: str = "alice") -> Org:
    """Build an org with ``accounts`` accounts in which ``user`` reaches every ACTIVE one with
    1 to 4 roles, some assigned directly and some through groups, and is an administrator
    of the management account (the first, "Management"), so the admin APIs work with the
    credentials of one of the user's own roles."""
    if accounts < 1:
        raise ValueError("accounts must be at least 1")
    rng = random.Random(seed)
    org = Org(instance_id="ssoins-" + hashlib.sha256(f"ssodeck-{seed}".encode()).hexdigest()[:16], default_user=user)
    _add_accounts(org, rng, accounts)
    me, others = _add_people(org, rng, user)
    for name, description, duration in PERMISSION_SETS:
        org.add_permission_set(name, description, duration, tags={"managed-by": "ssodeck-emulator"})
    _assign(org, rng, me, others)
    return org


def _account_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    names = list(AWKWARD_ACCOUNTS[:count])
    generic = [(f"{team} {env}", ou) for team in TEAMS for env, ou in ENVIRONMENTS]
    rng.shuffle(generic)
    round_no = 1
    while len(names) < count:
        for name, ou in generic[: count - len(names)]:
            names.append((name if round_no == 1 else f"{name} {round_no}", ou))
        round_no += 1
    return names


def _add_accounts(org: Org, rng: random.Random, count: int) -> None:
    suspended_count = 0 if count < 4 else (1 if count < 8 else 2 + count // 100)
    suspended = set(rng.sample(range(4, count), min(suspended_count, count - 4))) if count > 4 else set()
    used: set[int] = set()
    for index, (name, ou_path) in enumerate(_account_names(rng, count)):
        number = rng.randrange(100_000_000_000, 1_000_000_000_000)
        while number in used:
            number = rng.randrange(100_000_000_000, 1_000_000_000_000)
        used.add(number)
        status = "SUSPENDED" if index in suspended else "ACTIVE"
        org.add_account(name, str(number), ou_path="Root/Suspended" if status == "SUSPENDED" else ou_path, status=status)


def _add_people(org: Org, rng: random.Random, user: str) -> tuple[User, list[User]]:
    me = org.add_user(user, f"{user.title()} {SURNAMES[0]}")
    pool = [name for name in PEOPLE if name != user]
    others = [org.add_user(name, f"{name.title()} {rng.choice(SURNAMES)}") for name in pool[: rng.randint(1, 5)]]
    for index, name in enumerate(GROUPS):
        members = [me] if index < 2 else []
        members += [person for person in others if rng.random() < 0.5]
        org.add_group(name, members)
    return me, others


def _assign(org: Org, rng: random.Random, me: User, others: list[User]) -> None:
    names = [name for name, _, _ in PERMISSION_SETS]
    my_groups = org.groups_of(me)
    foreign_groups = [g for g in org.groups.values() if g not in my_groups]
    pair = 0
    management = org.management_account
    for account in org.accounts.values():
        roles = rng.sample(names, rng.randint(1, 4))
        # the management account (first, so assigned to the user directly: pair 0), and the
        # docs' example of a fuzzy query (`prdadm` finds Payments Prod / AdministratorAccess)
        if account == management or account.name == SHOWCASE:
            roles = [ADMINISTRATOR] + [role for role in roles if role != ADMINISTRATOR][: len(roles) - 1]
        for role in roles:
            how = ("user", "group")[pair] if pair < 2 else rng.choice(("user", "user", "group", "group", "both"))
            pair += 1
            if how in ("user", "both"):
                org.assign(account, role, me)
            if how in ("group", "both"):
                org.assign(account, role, rng.choice(my_groups))
        if rng.random() < 0.6:
            stranger = rng.choice(others + foreign_groups)
            org.assign(account, rng.choice(names), stranger)
