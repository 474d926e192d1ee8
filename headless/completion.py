"""Shell completion of the names people type most: profiles, sso-sessions, account IDs.

click runs these when the shell asks (``_SSODECK_COMPLETE=bash_complete``); they read the
AWS config and the cached role listings only, never the network, and stay silent on any
error, since a completion must never print a traceback into someone's prompt.
"""

from __future__ import annotations

from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

from app.printable import printable


def _quietly(source: Callable[[], list[CompletionItem]]) -> list[CompletionItem]:
    try:
        return source()
    except Exception:
        return []


def profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from app.services.awsconfig import load_config

    return _quietly(lambda: [CompletionItem(name) for name in sorted(load_config().profiles) if name.startswith(incomplete)])


def sso_sessions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from app.services.awsconfig import load_config

    return _quietly(lambda: [CompletionItem(name) for name in sorted(load_config().sso_sessions) if name.startswith(incomplete)])


def account_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from app.services.roles import cached_accounts

    return _quietly(
        lambda: [
            CompletionItem(account.account_id, help=printable(account.name))
            for account in sorted(cached_accounts(), key=lambda a: a.name.lower())
            if account.account_id.startswith(incomplete)
        ]
    )


PROFILE = {"shell_complete": profiles}
SSO_SESSION = {"shell_complete": sso_sessions}
ACCOUNT_ID = {"shell_complete": account_ids}
