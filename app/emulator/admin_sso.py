"""sso-admin: the instance, its permission sets, and who is assigned what where.

A permission set counts as provisioned to an account while it has an assignment there
(AWS provisions on assignment). Dates are fixed per object so answers are reproducible.
"""

from __future__ import annotations

import re
from typing import Any

from app.emulator.admin import ACCOUNT_ID, PERMISSION_SET_ARN, Call, Handler
from app.emulator.wire import ApiError
from app.admin_models import Assignment

CREATED = 1_600_000_000.0  # 2020-09-13, when every emulated object was created
PRINCIPAL_TYPES = ("USER", "GROUP")
PRINCIPAL_ID = re.compile(r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}")
RESOURCE_ARN = re.compile(r"arn:aws[a-z-]*:sso:::[a-zA-Z]+/.+")


def list_instances(call: Call) -> dict[str, Any]:
    org = call.org
    if call.member_account is not None or call.signing_region != call.state.region:
        return {"Instances": []}  # a member account, or another region: no instance there
    return {
        "Instances": [
            {
                "InstanceArn": org.instance_arn,
                "IdentityStoreId": org.identity_store_id,
                "OwnerAccountId": org.management_account.account_id,
                "Name": "ssodeck-emulator",
                "CreatedDate": CREATED,
                "Status": "ACTIVE",
            }
        ]
    }


def _permission_set(call: Call, name: str = "PermissionSetArn") -> str:
    arn = call.text(name, PERMISSION_SET_ARN)
    if arn not in call.org.permission_sets:
        raise ApiError(400, "ResourceNotFoundException", f"Could not find PermissionSet with id {arn.rsplit('/', 1)[-1]}")
    return arn


def list_permission_sets(call: Call) -> dict[str, Any]:
    call.instance()
    page, token = call.page(list(call.org.permission_sets), "all")
    return {"PermissionSets": page, "NextToken": token}


def describe_permission_set(call: Call) -> dict[str, Any]:
    call.instance()
    permission_set = call.org.permission_sets[_permission_set(call)]
    return {
        "PermissionSet": {
            "Name": permission_set.name,
            "PermissionSetArn": permission_set.arn,
            "Description": permission_set.description,
            "CreatedDate": CREATED,
            "SessionDuration": permission_set.session_duration,
        }
    }


def list_tags_for_resource(call: Call) -> dict[str, Any]:
    call.instance()
    arn = call.text("ResourceArn", RESOURCE_ARN)
    if arn not in call.org.permission_sets:
        raise ApiError(400, "ResourceNotFoundException", f"Could not find resource {arn}")
    tags = [{"Key": key, "Value": value} for key, value in sorted(call.org.permission_set_tags.get(arn, {}).items())]
    page, token = call.page(tags, arn, cap=50)
    return {"Tags": page, "NextToken": token}


def _account(call: Call) -> str:
    return call.text("AccountId", ACCOUNT_ID)


def list_accounts_for_provisioned_permission_set(call: Call) -> dict[str, Any]:
    call.instance()
    arn = _permission_set(call)
    page, token = call.page(list(dict.fromkeys(a.account_id for a in call.org.assignments_where(permission_set_arn=arn))), arn)
    return {"AccountIds": page, "NextToken": token}


def list_permission_sets_provisioned_to_account(call: Call) -> dict[str, Any]:
    call.instance()
    account_id = _account(call)
    page, token = call.page(list(dict.fromkeys(a.permission_set_arn for a in call.org.assignments_where(account_id=account_id))), account_id)
    return {"PermissionSets": page, "NextToken": token}


def _shape(assignment: Assignment) -> dict[str, str]:
    return {
        "AccountId": assignment.account_id,
        "PermissionSetArn": assignment.permission_set_arn,
        "PrincipalType": assignment.principal_type,
        "PrincipalId": assignment.principal_id,
    }


def list_account_assignments(call: Call) -> dict[str, Any]:
    call.instance()
    account_id = _account(call)
    arn = _permission_set(call)
    found = [_shape(a) for a in call.org.assignments_where(account_id, arn)]
    page, token = call.page(found, f"{account_id}/{arn}")
    return {"AccountAssignments": page, "NextToken": token}


def list_account_assignments_for_principal(call: Call) -> dict[str, Any]:
    """Direct assignments of one principal (a user's group assignments are the group's)."""
    call.instance()
    principal_id = call.text("PrincipalId", PRINCIPAL_ID)
    principal_type = call.text("PrincipalType")
    if principal_type not in PRINCIPAL_TYPES:
        raise call.invalid(f"Value '{principal_type}' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [USER, GROUP]")
    account_filter = call.body.get("Filter") or {}
    wanted_account = account_filter.get("AccountId") if isinstance(account_filter, dict) else None
    found = [_shape(a) for a in call.org.assignments_where(wanted_account, principal=(principal_type, principal_id))]
    page, token = call.page(found, f"{principal_type}/{principal_id}/{wanted_account}")
    return {"AccountAssignments": page, "NextToken": token}


HANDLERS: dict[str, Handler] = {
    "ListInstances": list_instances,
    "ListPermissionSets": list_permission_sets,
    "DescribePermissionSet": describe_permission_set,
    "ListAccountsForProvisionedPermissionSet": list_accounts_for_provisioned_permission_set,
    "ListPermissionSetsProvisionedToAccount": list_permission_sets_provisioned_to_account,
    "ListAccountAssignments": list_account_assignments,
    "ListAccountAssignmentsForPrincipal": list_account_assignments_for_principal,
    "ListTagsForResource": list_tags_for_resource,
}
