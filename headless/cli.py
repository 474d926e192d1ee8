"""The ``ssodeck`` entry point.

It imports nothing heavy itself: ``credential-process`` is served straight from the
credential cache when it can be (the SDKs run it on every credential refresh, so it must
start fast), and everything else goes to the click group in ``headless.group``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one line on stderr and a non-zero exit for every user error."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["credential-process"]:
        from headless.commands.credential_fast import serve_from_cache

        if serve_from_cache(args[1:]):
            return
    _run_click(args)


def _run_click(args: list[str]) -> None:
    import click

    from app.services.errors import SsodeckError
    from headless.messages import show_warnings
    from headless.group import cli

    show_warnings()
    try:
        cli.main(args=args, prog_name="ssodeck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("ssodeck: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except SsodeckError as error:
        from headless.messages import describe_error, note

        note(f"ssodeck: {describe_error(error)}")
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
