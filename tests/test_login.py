"""Sign-in flows against the emulator over real HTTP."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import pytest

from app.models import Instance, utcnow
from app.services import token_cache
from app.services.auth import get_token
from app.services.errors import LoginDenied, LoginExpired, LoginRequired
from app.services.logout import logout
from app.services.portal import iter_accounts
from support import FAST, Browser


def legacy(emu) -> Instance:
    return Instance(emu.start_url, emu.region)


def session(emu, name: str = "demo") -> Instance:
    return Instance(emu.start_url, emu.region, name)


def test_device_flow_waits_while_pending_then_caches_token(emu, aws_home):
    emu.configure(pending_polls=2)
    browser = Browser()
    result = get_token(legacy(emu), ui=browser, options=FAST)
    assert result.how == "login"
    assert len(browser.prompts) == 1 and browser.prompts[0].user_code in browser.prompts[0].verification_uri_complete
    assert emu.counts()["CreateToken.device_code"] == 3
    path = token_cache.token_path(legacy(emu))
    assert path.parent == aws_home / ".aws" / "sso" / "cache"
    data = json.loads(path.read_text())
    assert set(data) >= {"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt"}
    assert data["expiresAt"].endswith("Z") and data["startUrl"] == emu.start_url
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_device_flow_slow_down_backs_off_and_succeeds(emu):
    emu.configure(slow_down_first=2)
    result = get_token(legacy(emu), ui=Browser(), options=FAST)
    assert result.how == "login"
    assert emu.counts()["CreateToken.device_code"] == 3


def test_device_flow_manual_approval(emu):
    emu.configure(approval="manual")
    browser = Browser(emu, approve_device=True)
    assert get_token(legacy(emu), ui=browser, options=FAST).how == "login"


def test_device_flow_denied(emu):
    emu.configure(approval="deny")
    with pytest.raises(LoginDenied) as caught:
        get_token(legacy(emu), ui=Browser(), options=FAST)
    assert caught.value.exit_code == 3
    assert token_cache.load_token(legacy(emu)) is None


def test_device_flow_expired(emu):
    emu.configure(approval="expire")
    with pytest.raises(LoginExpired) as caught:
        get_token(legacy(emu), ui=Browser(), options=FAST)
    assert caught.value.exit_code == 2


def test_registration_is_cached_and_reused(emu):
    get_token(legacy(emu), ui=Browser(), options=FAST, force_login=True)
    get_token(legacy(emu), ui=Browser(), options=FAST, force_login=True)
    assert emu.counts()["RegisterClient"] == 1
    assert emu.counts()["StartDeviceAuthorization"] == 2


def test_pkce_flow_end_to_end(emu):
    browser = Browser()
    result = get_token(session(emu), ui=browser, options=FAST)
    assert result.how == "login"
    assert "/authorize?" in browser.visited[0] and "code_challenge_method=S256" in browser.visited[0]
    assert emu.counts()["CreateToken.authorization_code"] == 1
    assert emu.counts().get("CreateToken.device_code", 0) == 0
    data = json.loads(token_cache.token_path(session(emu)).read_text())
    assert data["refreshToken"]


def test_pkce_denied_in_browser(emu):
    emu.configure(approval="deny")
    with pytest.raises(LoginDenied):
        get_token(session(emu), ui=Browser(), options=FAST)


def test_use_device_code_for_session_instance(emu):
    result = get_token(session(emu), ui=Browser(), options=FAST, use_device_code=True)
    assert result.how == "login" and emu.counts()["CreateToken.device_code"] >= 1


def _age_token(instance: Instance, minutes: float) -> None:
    token = token_cache.load_token(instance)
    token_cache.save_token(instance, token._replace(expires_at=utcnow() + timedelta(minutes=minutes)))


def test_near_expiry_token_is_refreshed(emu):
    instance = session(emu)
    first = get_token(instance, ui=Browser(), options=FAST).token
    _age_token(instance, 5)
    result = get_token(instance)  # no UI: a refresh needs none
    assert result.how == "refreshed"
    assert emu.counts()["CreateToken.refresh_token"] == 1
    assert result.token.access_token != first.access_token
    assert result.token.fresh()
    assert token_cache.load_token(instance).access_token == result.token.access_token


def test_fresh_token_is_reused_without_calls(emu):
    instance = session(emu)
    get_token(instance, ui=Browser(), options=FAST)
    emu.reset_counters()
    assert get_token(instance).how == "cached"
    assert sum(emu.counts().values()) == 0


def test_expired_unrefreshable_token_requires_login(emu):
    instance = legacy(emu)
    get_token(instance, ui=Browser(), options=FAST)
    emu.expire_now("refresh_token")
    _age_token(instance, -1)
    with pytest.raises(LoginRequired) as caught:
        get_token(instance)
    assert caught.value.instance == instance  # each face words the fix from this
    assert "has expired" in str(caught.value)


def test_logout_revokes_token_server_side(emu):
    instance = session(emu)
    token = get_token(instance, ui=Browser(), options=FAST).token
    assert next(iter_accounts(instance, token))
    result = logout(instance)
    assert result.had_token and result.revoked
    assert emu.counts()["Logout"] == 1
    assert not token_cache.token_path(instance).exists()
    with pytest.raises(LoginRequired):
        next(iter_accounts(instance, token))
