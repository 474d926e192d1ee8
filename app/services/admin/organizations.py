"""AWS Organizations: accounts and the OU tree.

``accounts_in_ous`` expands OUs into accounts for assignment filters and CloudFormation
generation. aws-sso-util drops non-ACTIVE accounts only directly under the OU it was given
(its #80 fix does not recurse); here both exclusions hold at every depth. The tree is walked
one level at a time, each level's requests concurrently.
"""

from __future__ import annotations

import re
from typing import Any

from app.admin_models import OrgAccount, OrgUnit, OuAccount
from app.services.admin.clients import AdminClients
from app.services.admin.errors import NotFound
from app.services.admin.tasks import Task, fan_out, paged
from app.services.errors import ConfigError

SERVICE = "organizations"
PARENT_ID = re.compile(r"r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ACCOUNT_ID = re.compile(r"\d{12}")


def account_of(item: dict[str, Any]) -> OrgAccount:
    return OrgAccount(item["Id"], item.get("Name") or "", item.get("Email") or "", item.get("Status") or item.get("State") or "ACTIVE")


def accounts_task(clients: AdminClients) -> Task:
    """The walk task of ListAccounts (every account of the organization, any status)."""
    return paged(lambda token: clients.page(SERVICE, "list_accounts", "Accounts", "listing accounts", token), account_of)


def list_accounts(clients: AdminClients) -> list[OrgAccount]:
    return [account_of(item) for item in clients.pages(SERVICE, "list_accounts", "Accounts", "listing accounts")]


def describe_account(clients: AdminClients, account_id: str) -> OrgAccount | None:
    """DescribeAccount, or None for an account that is not in the organization."""
    try:
        answer = clients.call(SERVICE, "describe_account", f"looking up account {account_id}", AccountId=account_id)
    except NotFound:
        return None
    return account_of(answer["Account"])


def management_account_id(clients: AdminClients) -> str:
    return clients.call(SERVICE, "describe_organization", "describing the organization")["Organization"]["MasterAccountId"]


def child_units(clients: AdminClients, parent_id: str) -> list[OrgUnit]:
    items = clients.pages(SERVICE, "list_organizational_units_for_parent", "OrganizationalUnits", f"listing OUs in {parent_id}", ParentId=parent_id)
    return [OrgUnit(item["Id"], item.get("Name") or "", parent_id) for item in items]


def accounts_for_parent(clients: AdminClients, parent_id: str) -> list[OrgAccount]:
    items = clients.pages(SERVICE, "list_accounts_for_parent", "Accounts", f"listing accounts in {parent_id}", ParentId=parent_id)
    return [account_of(item) for item in items]


def check_parent_ids(ou_ids: tuple[str, ...] | list[str]) -> None:
    for ou_id in ou_ids:
        if not PARENT_ID.fullmatch(ou_id):
            raise ConfigError(f"--ou {ou_id!r} is not an OU or root ID (ou-xxxx-xxxxxxxx or r-xxxx)")


def accounts_in_ous(
    clients: AdminClients,
    ou_ids: tuple[str, ...] | list[str],
    *,
    recursive: bool,
    include_management: bool = False,
    include_inactive: bool = False,
) -> list[OuAccount]:
    """The accounts directly in each OU (and, if ``recursive``, in every OU below it).

    By default the management account and accounts that are not ACTIVE are left out, at
    every depth (what CloudFormation assignments want). Each account appears once, under
    the first OU given that contains it; order follows the OUs given, then the tree, level
    by level.
    """
    check_parent_ids(ou_ids)
    management = "" if include_management else management_account_id(clients)
    asked = list(dict.fromkeys(ou_ids))
    found: dict[str, tuple[int, int, OuAccount]] = {}  # account -> (index of the OU asked for, order seen, where)
    level = [(index, ou_id) for index, ou_id in enumerate(asked)]  # (OU asked for, OU to list)
    while level:
        listed = fan_out(lambda pair: (accounts_for_parent(clients, pair[1]), child_units(clients, pair[1]) if recursive else []), level)
        for (index, parent), (accounts, _) in zip(level, listed):
            for account in accounts:
                if account.account_id == management or (account.status != "ACTIVE" and not include_inactive):
                    continue
                if index < found.get(account.account_id, (len(asked), 0, None))[0]:
                    found[account.account_id] = (index, len(found), OuAccount(account, asked[index], parent))
        level = [(index, unit.ou_id) for (index, _), (_, units) in zip(level, listed) for unit in units]
    return [where for _, _, where in sorted(found.values(), key=lambda entry: entry[:2])]
