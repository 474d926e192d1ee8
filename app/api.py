"""ssodeck for Python scripts: sign in, list accounts and roles, get a boto3 Session for a role.

The same services as the CLI, with the same caches: a token from ``ssodeck login`` (or
``aws sso login``) serves these calls, and credentials fetched here serve the CLI.

    from app import api
    session = api.boto3_session("123456789012", "ReadOnly", profile=None, region="eu-west-1", login=True)
    session.client("s3").list_buckets()
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from app.models import Account, Instance, Role, RoleCredentials, Token
from app.services.auth import get_token
from app.services.awsconfig import load_config
from app.services.credentials import get_role_credentials
from app.services.instances import resolve, specifier_from
from app.services.login_ui import BrowserLoginUI, LoginUI
from app.services.oidc import DevicePrompt
from app.services.roles import get_listing
from app.services.targets import format_account_id

if TYPE_CHECKING:
    import boto3

__all__ = ["instance", "login", "list_accounts", "list_roles", "role_credentials", "boto3_session", "StderrLoginUI"]


class StderrLoginUI(BrowserLoginUI):
    """The default sign-in UI for scripts: instructions on stderr, browser unless ``headless``."""

    def say(self, text: str) -> None:
        print(f"ssodeck: {text}", file=sys.stderr)

    def device_code(self, prompt: DevicePrompt, *, opened: bool) -> None:
        self.say(f"sign in at {prompt.verification_uri_complete} (code {prompt.user_code})")

    def authorize_url(self, url: str, *, opened: bool) -> None:
        self.say(f"sign in at {url}")


def instance(start_url: str | None = None, region: str | None = None, *, sso_session: str | None = None, profile: str | None = None) -> Instance:
    """Resolve an Identity Center instance exactly as the CLI does (flags, env vars, config)."""
    specifier = specifier_from(start_url, region, sso_session=sso_session, profile=profile)
    return resolve(load_config(), specifier).one()


def login(target: Instance | None = None, *, force: bool = False, ui: LoginUI | None = None, **where: Any) -> Token:
    """A usable token, signing in if needed (``where`` as for :func:`instance`)."""
    chosen = target or instance(**where)
    return get_token(chosen, ui=ui or StderrLoginUI(), force_login=force).token


def _token_source(chosen: Instance, login_if_needed: bool):
    return lambda: get_token(chosen, ui=StderrLoginUI() if login_if_needed else None).token


def list_accounts(target: Instance | None = None, *, refresh: bool = False, login: bool = False, **where: Any) -> list[Account]:
    chosen = target or instance(**where)
    return list(get_listing(chosen, _token_source(chosen, login), refresh=refresh).accounts)


def list_roles(target: Instance | None = None, *, account_id: str | None = None, refresh: bool = False, login: bool = False, **where: Any) -> list[Role]:
    chosen = target or instance(**where)
    roles = get_listing(chosen, _token_source(chosen, login), refresh=refresh).roles
    wanted = format_account_id(account_id) if account_id else None
    return [r for r in roles if wanted is None or r.account_id == wanted]


def role_credentials(account_id: str, role_name: str, target: Instance | None = None, *, login: bool = False, **where: Any) -> RoleCredentials:
    chosen = target or instance(**where)
    return get_role_credentials(chosen, format_account_id(account_id), role_name, token_source=_token_source(chosen, login))


def boto3_session(account_id: str, role_name: str, target: Instance | None = None, *, region: str | None = None, login: bool = False, **where: Any) -> boto3.Session:
    """A boto3 Session whose credentials refresh themselves through ssodeck's caches."""
    import boto3
    import botocore.session
    from botocore.credentials import CredentialProvider, RefreshableCredentials

    chosen = target or instance(**where)
    account = format_account_id(account_id)

    def fetch() -> dict[str, str]:
        creds = get_role_credentials(chosen, account, role_name, token_source=_token_source(chosen, login))
        return {
            "access_key": creds.access_key_id,
            "secret_key": creds.secret_access_key,
            "token": creds.session_token,
            "expiry_time": creds.expiration.isoformat(),
        }

    class SsodeckProvider(CredentialProvider):
        METHOD = "ssodeck"
        CANONICAL_NAME = "ssodeck"

        def load(self) -> RefreshableCredentials:
            return RefreshableCredentials.create_from_metadata(fetch(), refresh_using=fetch, method=self.METHOD)

    core = botocore.session.Session()
    core.get_component("credential_provider").insert_before("env", SsodeckProvider())
    return boto3.Session(botocore_session=core, region_name=region)
