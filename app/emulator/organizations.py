"""organizations: the organization, its root and OUs (from the accounts' OU paths), and its
accounts, SUSPENDED ones included. Pages are capped at 20, as AWS caps them."""

from __future__ import annotations

import re
from typing import Any

from app.emulator.admin import ACCOUNT_ID, Call, Handler
from app.emulator.wire import ApiError
from app.admin_models import OrgAccount, OrgUnit

PAGE_CAP = 20
JOINED = 1_577_836_800.0  # 2020-01-01
PARENT_ID = re.compile(r"r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
CHILD_ID = re.compile(r"\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
CHILD_TYPES = ("ACCOUNT", "ORGANIZATIONAL_UNIT")


def _arn(call: Call, kind: str, resource: str) -> str:
    org = call.org
    return f"arn:aws:organizations::{org.management_account.account_id}:{kind}/{org.organization_id}/{resource}"


def _account_shape(call: Call, account: OrgAccount) -> dict[str, Any]:
    management = account == call.org.management_account
    return {
        "Id": account.account_id,
        "Arn": _arn(call, "account", account.account_id),
        "Email": account.email,
        "Name": account.name,
        "Status": account.status,
        "State": account.status,
        "JoinedMethod": "CREATED" if management else "INVITED",
        "JoinedTimestamp": JOINED,
    }


def _unit_shape(call: Call, unit: OrgUnit) -> dict[str, Any]:
    if unit.ou_id == call.org.root_id:
        return {"Id": unit.ou_id, "Arn": _arn(call, "root", unit.ou_id), "Name": unit.name, "PolicyTypes": []}
    return {"Id": unit.ou_id, "Arn": _arn(call, "ou", unit.ou_id), "Name": unit.name}


def _parent(call: Call) -> OrgUnit:
    parent_id = call.text("ParentId", PARENT_ID)
    for unit in call.org.units().values():
        if unit.ou_id == parent_id:
            return unit
    raise ApiError(400, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")


def _children(call: Call, parent: OrgUnit) -> tuple[list[OrgUnit], list[OrgAccount]]:
    org = call.org
    units = org.units()
    accounts = [a for a in list(org.accounts.values()) if units[org.ou_paths[a.account_id]].ou_id == parent.ou_id]
    return [u for u in units.values() if u.parent_id == parent.ou_id], accounts


def describe_organization(call: Call) -> dict[str, Any]:
    org = call.org
    management = org.management_account
    return {
        "Organization": {
            "Id": org.organization_id,
            "Arn": f"arn:aws:organizations::{management.account_id}:organization/{org.organization_id}",
            "FeatureSet": "ALL",
            "MasterAccountArn": _arn(call, "account", management.account_id),
            "MasterAccountId": management.account_id,
            "MasterAccountEmail": management.email,
            "AvailablePolicyTypes": [],
        }
    }


def list_accounts(call: Call) -> dict[str, Any]:
    page, token = call.page([_account_shape(call, a) for a in list(call.org.accounts.values())], "all", cap=PAGE_CAP)
    return {"Accounts": page, "NextToken": token}


def describe_account(call: Call) -> dict[str, Any]:
    account_id = call.text("AccountId", ACCOUNT_ID)
    account = call.org.accounts.get(account_id)
    if account is None:
        raise ApiError(400, "AccountNotFoundException", "You specified an account that doesn't exist.")
    return {"Account": _account_shape(call, account)}


def list_roots(call: Call) -> dict[str, Any]:
    page, token = call.page([_unit_shape(call, call.org.units()["Root"])], "roots", cap=PAGE_CAP)
    return {"Roots": page, "NextToken": token}


def list_organizational_units_for_parent(call: Call) -> dict[str, Any]:
    parent = _parent(call)
    units, _ = _children(call, parent)
    page, token = call.page([_unit_shape(call, u) for u in units], parent.ou_id, cap=PAGE_CAP)
    return {"OrganizationalUnits": page, "NextToken": token}


def list_accounts_for_parent(call: Call) -> dict[str, Any]:
    parent = _parent(call)
    _, accounts = _children(call, parent)
    page, token = call.page([_account_shape(call, a) for a in accounts], parent.ou_id, cap=PAGE_CAP)
    return {"Accounts": page, "NextToken": token}


def list_children(call: Call) -> dict[str, Any]:
    parent = _parent(call)
    child_type = call.text("ChildType")
    if child_type not in CHILD_TYPES:
        raise call.invalid(f"Value '{child_type}' at 'childType' failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, ORGANIZATIONAL_UNIT]")
    units, accounts = _children(call, parent)
    ids = [a.account_id for a in accounts] if child_type == "ACCOUNT" else [u.ou_id for u in units]
    page, token = call.page([{"Id": i, "Type": child_type} for i in ids], f"{parent.ou_id}/{child_type}", cap=PAGE_CAP)
    return {"Children": page, "NextToken": token}


def list_parents(call: Call) -> dict[str, Any]:
    child_id = call.text("ChildId", CHILD_ID)
    org = call.org
    if child_id in org.accounts:
        parent = org.parent_of(child_id)
    else:
        found = [u for u in org.units().values() if u.ou_id == child_id]
        if not found:
            raise ApiError(400, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
        parent = next(u for u in org.units().values() if u.ou_id == found[0].parent_id)
    kind = "ROOT" if parent.ou_id == org.root_id else "ORGANIZATIONAL_UNIT"
    return {"Parents": [{"Id": parent.ou_id, "Type": kind}]}


HANDLERS: dict[str, Handler] = {
    "DescribeOrganization": describe_organization,
    "ListAccounts": list_accounts,
    "DescribeAccount": describe_account,
    "ListRoots": list_roots,
    "ListOrganizationalUnitsForParent": list_organizational_units_for_parent,
    "ListAccountsForParent": list_accounts_for_parent,
    "ListChildren": list_children,
    "ListParents": list_parents,
}
