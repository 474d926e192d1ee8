"""The ``ssodeck`` click group.

Subcommands are imported only when invoked (``LazyGroup``), so ``ssodeck credential-process``
pays for nothing but its own module, and the TUI (textual) is imported only when ``ssodeck``
runs with no subcommand.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from app import __version__
from app.services.errors import SsodeckError

# name -> "module:attribute"; the order here is the order in --help.
COMMANDS: dict[str, str] = {
    "login": "headless.commands.login:login",
    "logout": "headless.commands.logout:logout",
    "check": "headless.commands.check:check",
    "emulator": "headless.commands.emulator:emulator",
}
HIDDEN: set[str] = set()


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules and load on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if name not in HIDDEN]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssodeck", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """ssodeck: AWS IAM Identity Center (AWS SSO) from the terminal.

    Run with no command to open the full-screen app. Every command reads the same
    ~/.aws/config and shares the SSO token cache with the AWS CLI and SDKs.
    """
    if ctx.invoked_subcommand is None:
        try:
            tui = importlib.import_module("app.tui")
        except ModuleNotFoundError:
            click.echo(ctx.get_help())
            return
        tui.run()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one line on stderr and a non-zero exit for every user error."""
    try:
        cli.main(args=argv, prog_name="ssodeck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("ssodeck: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except SsodeckError as error:
        click.echo(f"ssodeck: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("ssodeck: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(141)
    except OSError as error:
        click.echo(f"ssodeck: {error.strerror or error}: {error.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    except Exception as error:  # the last line of defence: no tracebacks for users
        if os.environ.get("SSODECK_DEBUG"):
            raise
        click.echo(f"ssodeck: unexpected {type(error).__name__}; run again with SSODECK_DEBUG=1 for details", err=True)
        sys.exit(70)


if __name__ == "__main__":
    main()
