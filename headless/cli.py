"""The ``ssodeck`` entry point.

It imports nothing heavy itself: ``credential-process`` is served straight from the
credential cache when it can be (the SDKs run it on every credential refresh, so it must
start fast), the app (``ssodeck`` alone, or ``--demo``) starts without click, and
everything else goes to the click group in ``headless.group``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one line on stderr and a non-zero exit for every user error."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["credential-process"]:
        from headless.commands.credential_fast import serve_from_cache

        if serve_from_cache(args[1:]):
            return
    if args in ([], ["--demo"]) and "_SSODECK_COMPLETE" not in os.environ:  # the app, without click (it starts sooner); completion is click's
        _guarded(lambda: _run_app(demo=bool(args)))
        return
    _guarded(lambda: _run_click(args))


def _run_app(*, demo: bool) -> None:
    import gc

    from headless.messages import show_warnings

    show_warnings()
    gc.disable()  # no collections while thousands of objects are made at start; the app settles the heap after its first frame
    from app.tui import run  # textual is imported only here

    run(demo=demo)


class StdoutClosed(Exception):
    """stdout's reader went away (EPIPE). click turns a BrokenPipeError into a silent exit 1,
    even outside standalone mode, so the group carries it past click as this (not an OSError)."""


def _run_click(args: list[str]) -> None:
    import click

    from headless.group import cli
    from headless.messages import show_warnings

    show_warnings()
    _buffered_stdout()
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


def _guarded(body: Callable[[], None]) -> None:
    """Run ``body``, turning what escapes it into one line on stderr and an exit status."""
    from app.services.errors import SsodeckError

    try:
        try:
            body()
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()  # what is still buffered fails here, not silently at interpreter exit
    except SsodeckError as error:
        from headless.messages import describe_error, note

        note(f"ssodeck: {describe_error(error)}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _say("ssodeck: interrupted")
        sys.exit(130)
    except (BrokenPipeError, StdoutClosed):
        _discard_stdout()
        sys.exit(141)
    except OSError as error:
        _say(f"ssodeck: {error.strerror or error}: {error.filename or ''}".rstrip(": "))
        sys.exit(1)
    except Exception as error:  # the last line of defence: no tracebacks for users
        if os.environ.get("SSODECK_DEBUG"):
            raise
        _say(f"ssodeck: unexpected {type(error).__name__}; run again with SSODECK_DEBUG=1 for details")
        sys.exit(70)


def _buffered_stdout() -> None:
    """Under PYTHONUNBUFFERED (``python -u``) stdout writes straight to the file, and a short
    write (its reader gone midway) drops the rest without an error: write through a buffer,
    which writes everything or raises."""
    import io

    stream = sys.stdout
    if isinstance(getattr(stream, "buffer", None), io.FileIO):
        raw = io.FileIO(stream.fileno(), "w", closefd=False)
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=stream.encoding, errors=stream.errors,
                                      line_buffering=stream.line_buffering, write_through=True)


def _discard_stdout() -> None:
    """stdout is closed: what is left in its buffer goes nowhere, and the interpreter's last
    flush finds nothing to complain about ("Exception ignored ... BrokenPipeError")."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except OSError:
        pass


if __name__ == "__main__":
    main()
