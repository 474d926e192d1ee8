"""``ssodeck run-as``: run one command with a role's credentials in its environment."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from app.services.environment import child_environment
from app.services.errors import SsodeckError
from headless.credential_options import resolve_role, role_options


@click.command("run-as", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@role_options
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run_as(start_url, sso_region, account_id, role_name, region, profile, force_refresh, verbose, command) -> None:
    """Run COMMAND as a role: ssodeck run-as -a ACCOUNT -r ROLE -- aws s3 ls

    Sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
    AWS_CREDENTIALS_EXPIRATION and, when a region is known, AWS_REGION and
    AWS_DEFAULT_REGION; clears AWS_PROFILE and AWS_DEFAULT_PROFILE so no other identity
    leaks in. The command runs directly (no shell) and its exit code is passed through.
    """
    args = list(command[1:] if command[:1] == ("--",) else command)
    if not args:
        raise click.UsageError("give the command to run after --")
    target, credentials = resolve_role(start_url, sso_region, account_id, role_name, region, profile, force_refresh)
    env = child_environment(os.environ, credentials, target.region)
    try:
        child = subprocess.Popen(args, env=env)
    except FileNotFoundError:
        raise SsodeckError(f"command not found: {args[0]}", exit_code=127) from None
    except PermissionError:
        raise SsodeckError(f"command is not executable: {args[0]}", exit_code=126) from None
    while True:
        try:
            code = child.wait()
            break
        except KeyboardInterrupt:  # the child got the same Ctrl-C; wait for it to finish
            continue
    sys.exit(128 - code if code < 0 else code)  # killed by signal N: the shell's 128 + N
