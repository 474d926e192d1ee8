"""The console launch pipeline shared by ``ssodeck console`` and the app's launcher.

Planning (which federation endpoint, which destination, which issuer) is pure and happens
before any network call, so a bad value costs nothing. The sign-in URL is then made from the
role's credentials (cached, else fetched) through the federation endpoint. The URL signs in
whoever holds it for 15 minutes: callers decide where it goes (browser, stdout, clipboard),
and nothing here ever logs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models import Instance, Token
from app.services import config_token as tokens
from app.services import console as federation
from app.services.awsconfig import AwsConfig
from app.services.credentials import get_role_credentials
from app.services.errors import BadValue, ConfigError
from app.services.targets import Target, format_account_id, resolve_target

MIN_DURATION, MAX_DURATION = 15, 720  # minutes a console session may last (the federation endpoint's limits)


class TokenLacks(ConfigError):
    """A config token that names no account (``what="account"``) or no role, and no
    account or role was given to use instead."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the config token does not name the {what} to sign in as")
        self.what = what


@dataclass(frozen=True)
class ConsoleLaunch:
    """A console sign-in to make: for ``target``, through ``endpoint``, landing on
    ``destination`` (a full console URL), for ``duration`` minutes (None: as long as the
    role credentials last)."""

    target: Target
    endpoint: str
    destination: str
    issuer: str
    duration: int | None = None

    def describe(self) -> str:
        return describe(self.target)


def describe(target: Target) -> str:
    return f"role {target.role_name} in account {target.account_id}"


def plan_launch(
    target: Target,
    *,
    destination: str | None = None,
    override_region: bool = False,
    duration: int | None = None,
    issuer: str | None = None,
) -> ConsoleLaunch:
    """The launch for a role, in the target's region (its console and sign-in endpoint)."""
    region = target.region
    return ConsoleLaunch(
        target=target,
        endpoint=federation.federation_endpoint(region),
        destination=federation.console_destination(region, destination, override_region=override_region),
        issuer=issuer if issuer is not None else target.instance.start_url,
        duration=duration,
    )


def check_duration(minutes: int) -> int:
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise BadValue(f"a console session lasts {MIN_DURATION} to {MAX_DURATION} minutes, not {minutes}")
    return minutes


def check_destination(path: str) -> str:
    """A console path (``/s3/home``) or URL to land on; anything else is refused, since the
    console would land on a URL made from half of it."""
    if not path.startswith(("/", "https://")):
        raise BadValue("a console path starts with / (for example /s3/home), or is a https:// URL")
    return path


def plan_token_launch(
    text: str, config: AwsConfig, *, account_id: str | None = None, role_name: str | None = None, warn: Callable[[str], None] | None = None
) -> ConsoleLaunch:
    """The launch a config token (``console get-config-token``) describes, after every check
    ``launch-from-config`` makes: a readable token of a known version, an account and role
    (``account_id`` and ``role_name`` replace the token's), and an AWS sign-in endpoint (role
    credentials are sent there). ``warn`` hears what decoding ignored."""
    token = tokens.decode_config_token(text)
    for warning in token.warnings:
        if warn is not None:
            warn(warning)
    account = account_id or token.account_id
    role = role_name or token.role_name
    if not account:
        raise TokenLacks("account")
    if not role:
        raise TokenLacks("role")
    tokens.token_endpoint(token)  # refuse a foreign endpoint before anything else happens
    target = resolve_target(config, start_url=token.sso_start_url, sso_region=token.sso_region, account_id=account, role_name=role, region=token.region)
    return plan_from_token(token, target)


def plan_from_token(token: tokens.ConfigToken, target: Target) -> ConsoleLaunch:
    """The launch a config token describes, for ``target`` (the token's role, or one the
    caller chose). The token's endpoint is used only if it is an AWS sign-in host."""
    return ConsoleLaunch(
        target=target,
        endpoint=tokens.token_endpoint(token),
        destination=token.destination,
        issuer=token.issuer if token.issuer is not None else token.sso_start_url,
        duration=token.duration,
    )


def signin_url(
    launch: ConsoleLaunch,
    *,
    token_source: Callable[[], Token],
    force_refresh: bool = False,
    notify: Callable[[str], None] | None = None,
) -> str:
    """The one-time console sign-in URL (a secret). ``notify`` hears non-fatal news, e.g.
    that the requested session length was refused and the credentials' lifetime applies."""
    target = launch.target
    credentials = get_role_credentials(
        target.instance, target.account_id, target.role_name, token_source=token_source, force_refresh=force_refresh
    )
    seconds = launch.duration * 60 if launch.duration else None
    signin_token = federation.get_signin_token(credentials, launch.endpoint, seconds, notify=notify)
    return federation.login_url(launch.endpoint, signin_token, launch.destination, launch.issuer)


def shortcut_link(target: Target, *, destination: str | None = None, override_region: bool = False) -> str:
    """An access-portal shortcut for the role: it signs in through the portal, so it holds
    no secret and needs no network to make."""
    region = target.region
    wanted = federation.console_destination(region, destination, override_region=override_region) if (region or destination) else None
    return federation.portal_shortcut_url(target.instance.start_url, target.account_id, target.role_name, wanted)


def config_token_for(
    instance: Instance,
    *,
    account_id: str | None = None,
    role_name: str | None = None,
    region: str | None = None,
    destination: str | None = None,
    override_region: bool = False,
    duration: int | None = None,
    issuer: str | None = None,
) -> str:
    """A shareable, credential-free token for a launch (``console get-config-token``)."""
    token = tokens.ConfigToken(
        sso_start_url=instance.start_url,
        sso_region=instance.region,
        federation_endpoint=federation.federation_endpoint(region),
        destination=federation.console_destination(region, destination, override_region=override_region),
        account_id=format_account_id(account_id) if account_id else None,
        role_name=role_name,
        region=region,
        duration=duration,
        issuer=issuer,
    )
    return tokens.encode_config_token(token)


# What the console launchers offer by name; any other path can be typed.
COMMON_DESTINATIONS: tuple[tuple[str, str], ...] = (
    ("Console home", "/console/home"),
    ("S3", "/s3/home"),
    ("EC2", "/ec2/home"),
    ("IAM", "/iam/home"),
    ("CloudWatch", "/cloudwatch/home"),
    ("CloudFormation", "/cloudformation/home"),
    ("Lambda", "/lambda/home"),
    ("DynamoDB", "/dynamodbv2/home"),
    ("RDS", "/rds/home"),
    ("VPC", "/vpcconsole/home"),
    ("ECS", "/ecs/v2/home"),
    ("EKS", "/eks/home"),
    ("CloudTrail", "/cloudtrail/home"),
    ("Billing and Cost Management", "/costmanagement/home"),
    ("Organizations", "/organizations/v2/home"),
    ("IAM Identity Center", "/singlesignon/home"),
)
COMMON_REGIONS: tuple[str, ...] = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "eu-south-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1",
    "ap-southeast-2", "sa-east-1",
)  # fmt: skip
