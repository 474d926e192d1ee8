"""The organisation an emulated Identity Center serves: accounts and OUs, people and groups,
permission sets and who may use which.

The emulator answers every portal and admin call from this one model, so tests can build a
tiny org by hand and benchmarks can generate a large, messy one (see app.emulator.generate).
IDs that the caller does not give (accounts, users, OUs, the organization, the identity
store) are derived from names, never from randomness, so two runs of the same test see the
same IDs.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from typing import Iterable

from app.admin_models import Assignment, Group, OrgAccount, OrgUnit, PermissionSet, User

ACCOUNT_STATUSES = ("ACTIVE", "SUSPENDED")
_ID_NAMESPACE = uuid.UUID("5f0c3f8e-2d54-4a7e-9a51-7d3d6c0e5a11")


def _hex(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


class Org:
    """A mutable, thread-safe org model: build it by hand or with generate_org, then serve it.

    Every reader and builder takes the org's own lock, so a test may add an assignment while
    the emulator is answering requests from other threads.
    """

    def __init__(self, instance_id: str = "ssoins-72230a8dfe1c4f6c", default_user: str | None = None) -> None:
        self.instance_arn = f"arn:aws:sso:::instance/{instance_id}"
        self.organization_id = "o-" + _hex("organization:" + instance_id, 10)
        self.root_id = "r-" + _hex("root:" + instance_id, 4)
        self.identity_store_id = "d-" + _hex("identity-store:" + instance_id, 10)
        self.accounts: dict[str, OrgAccount] = {}
        self.ou_paths: dict[str, str] = {}
        self.management_account_id: str | None = None  # None: the first account added
        self.users: dict[str, User] = {}
        self.groups: dict[str, Group] = {}
        self.memberships: dict[str, list[str]] = {}
        self.permission_sets: dict[str, PermissionSet] = {}
        self.permission_set_tags: dict[str, dict[str, str]] = {}
        self.assignments: list[Assignment] = []
        self._default_user = default_user
        self._lock = threading.RLock()

    # -- builders -------------------------------------------------------------------------

    def add_account(
        self,
        name: str,
        account_id: str | None = None,
        email: str | None = None,
        ou_path: str = "Root",
        status: str = "ACTIVE",
    ) -> OrgAccount:
        if status not in ACCOUNT_STATUSES:
            raise ValueError(f"status must be one of {ACCOUNT_STATUSES}, not {status!r}")
        with self._lock:
            if account_id is None:
                account_id = self._derived_account_id(name)
            if len(account_id) != 12 or not account_id.isdigit():
                raise ValueError(f"account id must be 12 digits, not {account_id!r}")
            if account_id in self.accounts:
                raise ValueError(f"account {account_id} already exists")
            _check_ou_path(ou_path)
            account = OrgAccount(account_id, name, email or f"aws+{account_id}@example.com", status)
            self.accounts[account_id] = account
            self.ou_paths[account_id] = ou_path
            return account

    def move_account(self, account: OrgAccount | str, ou_path: str) -> None:
        """Put an account under another OU (creating the OU path), as MoveAccount would."""
        _check_ou_path(ou_path)
        with self._lock:
            self.ou_paths[self.account(account).account_id] = ou_path

    def add_user(
        self, user_name: str, display_name: str | None = None, email: str | None = None, user_id: str | None = None
    ) -> User:
        with self._lock:
            if any(u.user_name == user_name for u in self.users.values()):
                raise ValueError(f"user {user_name!r} already exists")
            user = User(
                user_id or str(uuid.uuid5(_ID_NAMESPACE, "user:" + user_name)),
                user_name,
                display_name or user_name.replace(".", " ").title(),
                email or f"{user_name}@example.com",
            )
            self.users[user.user_id] = user
            return user

    def add_group(
        self, display_name: str, members: Iterable[str | User] = (), group_id: str | None = None, description: str = ""
    ) -> Group:
        with self._lock:
            group = Group(group_id or str(uuid.uuid5(_ID_NAMESPACE, "group:" + display_name)), display_name, description)
            if group.group_id in self.groups:
                raise ValueError(f"group {display_name!r} already exists")
            self.groups[group.group_id] = group
            self.memberships[group.group_id] = []
            for member in members:
                self.add_member(group, member)
            return group

    def add_member(self, group: Group | str, user: User | str) -> None:
        with self._lock:
            group_id = self.group(group).group_id
            user_id = self.user(user).user_id
            if user_id not in self.memberships[group_id]:
                self.memberships[group_id].append(user_id)

    def add_permission_set(
        self,
        name: str,
        description: str = "",
        session_duration: str = "PT1H",
        arn: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> PermissionSet:
        with self._lock:
            if any(ps.name == name for ps in self.permission_sets.values()):
                raise ValueError(f"permission set {name!r} already exists")
            instance = self.instance_arn.rsplit("/", 1)[1]
            arn = arn or f"arn:aws:sso:::permissionSet/{instance}/ps-{_hex(instance + name)}"
            permission_set = PermissionSet(arn=arn, name=name, description=description, session_duration=session_duration)
            self.permission_sets[arn] = permission_set
            self.permission_set_tags[arn] = dict(tags or {})
            return permission_set

    def assign(
        self, account: OrgAccount | str, permission_set: PermissionSet | str, principal: User | Group | str
    ) -> Assignment:
        """Give a principal a permission set in an account; names, IDs or objects are accepted."""
        with self._lock:
            account_id = self.account(account).account_id
            arn = self.permission_set(permission_set).arn
            if isinstance(principal, Group) or (isinstance(principal, str) and not self._find_user(principal)):
                kind, principal_id = "GROUP", self.group(principal).group_id
            else:
                kind, principal_id = "USER", self.user(principal).user_id
            assignment = Assignment(account_id, arn, kind, principal_id)
            if assignment not in self.assignments:
                self.assignments.append(assignment)
            return assignment

    # -- lookups --------------------------------------------------------------------------

    @property
    def management_account(self) -> OrgAccount:
        with self._lock:
            if self.management_account_id is not None:
                return self.accounts[self.management_account_id]
            if not self.accounts:
                raise LookupError("the org has no accounts")
            return next(iter(self.accounts.values()))

    def units(self) -> dict[str, OrgUnit]:
        """Every OU named by an account's OU path, and the root, keyed by path ("Root/A/B")."""
        with self._lock:
            paths = set(self.ou_paths.values())
        found: dict[str, OrgUnit] = {"Root": OrgUnit(self.root_id, "Root")}
        for path in sorted(paths):
            parts = path.split("/")
            for depth in range(2, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                if prefix not in found:
                    parent = found["Root" if depth == 2 else "/".join(parts[: depth - 1])]
                    found[prefix] = OrgUnit(f"ou-{self.root_id[2:]}-{_hex('ou:' + prefix, 8)}", parts[depth - 1], parent.ou_id)
        return found

    def parent_of(self, account_id: str) -> OrgUnit:
        with self._lock:
            path = self.ou_paths[account_id]
        return self.units()[path]

    @property
    def default_user(self) -> User:
        with self._lock:
            if self._default_user is not None:
                return self.user(self._default_user)
            if not self.users:
                raise LookupError("the org has no users")
            return next(iter(self.users.values()))

    def user(self, ref: User | str) -> User:
        found = self._find_user(ref.user_id if isinstance(ref, User) else ref)
        if found is None:
            raise LookupError(f"no user {ref!r}")
        return found

    def group(self, ref: Group | str) -> Group:
        found = self._find_group(ref.group_id if isinstance(ref, Group) else ref)
        if found is None:
            raise LookupError(f"no group {ref!r}")
        return found

    def account(self, ref: OrgAccount | str) -> OrgAccount:
        key = ref.account_id if isinstance(ref, OrgAccount) else ref
        with self._lock:
            if key in self.accounts:
                return self.accounts[key]
            for account in self.accounts.values():
                if account.name == key:
                    return account
        raise LookupError(f"no account {key!r}")

    def permission_set(self, ref: PermissionSet | str) -> PermissionSet:
        key = ref.arn if isinstance(ref, PermissionSet) else ref
        with self._lock:
            for permission_set in self.permission_sets.values():
                if key in (permission_set.arn, permission_set.name):
                    return permission_set
        raise LookupError(f"no permission set {key!r}")

    def assignments_where(
        self, account_id: str | None = None, permission_set_arn: str | None = None, principal: tuple[str, str] | None = None
    ) -> list[Assignment]:
        """Assignments matching every given filter, in the order they were made."""
        with self._lock:
            return [
                a
                for a in self.assignments
                if account_id in (None, a.account_id)
                and permission_set_arn in (None, a.permission_set_arn)
                and principal in (None, (a.principal_type, a.principal_id))
            ]

    def active_accounts(self) -> list[OrgAccount]:
        with self._lock:
            return [a for a in self.accounts.values() if a.status == "ACTIVE"]

    def groups_of(self, user: User | str) -> list[Group]:
        with self._lock:
            user_id = self.user(user).user_id
            return [self.groups[g] for g, members in self.memberships.items() if user_id in members]

    def portal_view(self, user: User | str) -> list[tuple[OrgAccount, tuple[str, ...]]]:
        """What the access portal shows this user: reachable ACTIVE accounts in org order, each
        with its role names (direct and group assignments merged, deduplicated, sorted)."""
        with self._lock:
            roles = self._role_names(user)
            return [
                (account, roles[account.account_id])
                for account in self.accounts.values()
                if account.status == "ACTIVE" and account.account_id in roles
            ]

    def roles_for(self, user: User | str, account_id: str) -> tuple[str, ...] | None:
        """The role names a user has in one account, or None when the portal would not show it."""
        with self._lock:
            account = self.accounts.get(account_id)
            if account is None or account.status != "ACTIVE":
                return None
            return self._role_names(user, account_id).get(account_id)

    def _role_names(self, user: User | str, account_id: str | None = None) -> dict[str, tuple[str, ...]]:
        person = self.user(user)
        principals = {("USER", person.user_id)} | {("GROUP", g.group_id) for g in self.groups_of(person)}
        found: dict[str, set[str]] = {}
        for assignment in self.assignments:
            if account_id in (None, assignment.account_id) and (
                (assignment.principal_type, assignment.principal_id) in principals
            ):
                name = self.permission_sets[assignment.permission_set_arn].name
                found.setdefault(assignment.account_id, set()).add(name)
        return {account: tuple(sorted(names, key=str.lower)) for account, names in found.items()}

    def _find_user(self, key: str) -> User | None:
        with self._lock:
            if key in self.users:
                return self.users[key]
            return next((u for u in self.users.values() if u.user_name == key), None)

    def _find_group(self, key: str) -> Group | None:
        with self._lock:
            for group in self.groups.values():
                if key in (group.group_id, group.display_name):
                    return group
        return None

    def _derived_account_id(self, name: str) -> str:
        salt = 0
        while True:
            candidate = str(int(_hex(f"{name}#{salt}", 15), 16) % 900_000_000_000 + 100_000_000_000)
            if candidate not in self.accounts:
                return candidate
            salt += 1


def _check_ou_path(ou_path: str) -> None:
    if ou_path.split("/")[0] != "Root" or "" in ou_path.split("/"):
        raise ValueError(f"ou_path must be Root or Root/OU/..., not {ou_path!r}")
