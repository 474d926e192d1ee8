"""The Python API shares the CLI's caches and gives working boto3 sessions."""

from __future__ import annotations

from app import api
from app.models import Instance
from support import Browser


def test_api_lists_and_builds_a_session(emu):
    token = api.login(ui=Browser())  # instance from AWS_DEFAULT_SSO_* exported by the emulator
    assert token.fresh()
    accounts = api.list_accounts()
    assert {a.account_id for a in accounts} == {a.account_id for a, _ in emu.org.portal_view(emu.org.default_user)}
    account = accounts[0]
    roles = api.list_roles(account_id=account.account_id)
    assert roles and all(r.account_id == account.account_id for r in roles)
    session = api.boto3_session(account.account_id, roles[0].role_name, region="us-east-1")
    assert session.client("sts").get_caller_identity()["Account"] == account.account_id
    assert emu.counts()["GetRoleCredentials"] == 1
    # a second session is served from the shared credential cache
    api.boto3_session(account.account_id, roles[0].role_name, region="us-east-1").client("sts").get_caller_identity()
    assert emu.counts()["GetRoleCredentials"] == 1


def test_api_without_login_raises_login_required(emu):
    import pytest

    from app.services.errors import LoginRequired

    with pytest.raises(LoginRequired):
        api.list_accounts(Instance(emu.start_url, emu.region), refresh=True)
