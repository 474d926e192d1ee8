"""The ``ssodeck`` click group.

Subcommands are imported only when invoked (``LazyGroup``), so each command pays only for
its own module, and the TUI (textual) is imported only when ``ssodeck`` runs with no
subcommand.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import click

from app import __version__

# name -> "module:attribute"; the order here is the order in --help.
COMMANDS: dict[str, str] = {
    "login": "headless.commands.login:login",
    "logout": "headless.commands.logout:logout",
    "check": "headless.commands.check:check",
    "roles": "headless.commands.roles:roles",
    "configure": "headless.commands.configure:configure",
    "credential-process": "headless.commands.credential_process:credential_process",
    "run-as": "headless.commands.run_as:run_as",
    "export": "headless.commands.export:export",
    "console": "headless.commands.console:console",
    "emulator": "headless.commands.emulator:emulator",
    "admin": "headless.commands.admin:admin",
}


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules and load on first use.

    ``lazy_commands`` maps names to "module:attribute" (the root group's COMMANDS by
    default); a subcommand whose module is not installed is neither listed nor found.
    """

    def __init__(self, *args: object, lazy_commands: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = COMMANDS if lazy_commands is None else lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in self.lazy_commands.items() if importlib.util.find_spec(target.split(":")[0]) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                return None
            raise
        return getattr(module, attribute)

    # A closed stdout leaves both as ``StdoutClosed``: click would make its BrokenPipeError a
    # silent exit 1, and the entry point exits 141 for it (parsing prints --help and --version).
    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _stdout_closed():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        with _stdout_closed():
            return super().invoke(ctx)


@contextlib.contextmanager
def _stdout_closed() -> Iterator[None]:
    from headless.cli import StdoutClosed

    try:
        yield
    except BrokenPipeError as error:
        raise StdoutClosed from error


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ssodeck", message="%(prog)s %(version)s")
@click.option("--demo", is_flag=True, help="Open the app on a built-in Identity Center with a generated organisation, in a throwaway home (your ~/.aws is not touched).")
@click.pass_context
def cli(ctx: click.Context, demo: bool) -> None:
    """ssodeck: AWS IAM Identity Center (AWS SSO) from the terminal.

    With no command, opens the full-screen app: every account and role you can
    reach, filtered as you type, with the console, credentials, a shell and
    profiles one key away. Every command reads the same ~/.aws/config and shares
    the SSO token cache with the AWS CLI and SDKs. Try it without AWS:
    `ssodeck --demo`.
    """
    if ctx.invoked_subcommand is None:
        from app.tui import run  # textual is imported only here

        run(demo=demo)
    elif demo:
        raise click.UsageError("--demo opens the app; give it without a command")
