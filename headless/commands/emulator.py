"""``ssodeck emulator``: run the local Identity Center for demos and manual testing.

``serve`` prints everything a shell needs on stdout (comment lines plus ``export`` lines),
so ``ssodeck emulator serve > env.sh`` in one terminal and ``. ./env.sh`` in another is
enough to point ssodeck, the AWS CLI and any SDK at it.
"""

from __future__ import annotations

import shlex
import signal
import threading
from types import FrameType

import click

from app.emulator import Emulator, generate_org
from app.emulator.server import ADMIN_CREDENTIALS, DEFAULT_REGION, DEFAULT_START_URL
from app.services import validation


@click.group("emulator")
def emulator() -> None:
    """A local, fake IAM Identity Center for demos and tests (no AWS account needed)."""


@emulator.command("serve")
@click.option("--accounts", type=click.IntRange(min=1), default=12, show_default=True,
              help="How many accounts the generated org has (a couple are SUSPENDED).")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="TCP port to listen on; 0 lets the OS pick a free one.")
@click.option("--host", type=click.Choice(["127.0.0.1"]), default="127.0.0.1", show_default=True,
              help="Address to listen on; loopback only, the emulator is not meant to be reachable.")
@click.option("--auto-approve", is_flag=True,
              help="Approve every sign-in at once instead of waiting for a click on the approval page.")
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Delay added before every answer, to feel a slow network.")
@click.option("--max-rps", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Portal requests per second before answering 429 TooManyRequests (default: unlimited).")
@click.option("--start-url", default=DEFAULT_START_URL, show_default=True,
              help="The portal start URL sign-ins must use.")
@click.option("--region", default=DEFAULT_REGION, show_default=True, help="The Identity Center region to report.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the generated org and for random failure injection (same seed, same org).")
def serve(
    accounts: int,
    port: int,
    host: str,
    auto_approve: bool,
    latency_ms: float,
    max_rps: float | None,
    start_url: str,
    region: str,
    seed: int,
) -> None:
    """Serve sso-oidc, the access portal, console federation, STS and the admin APIs
    (sso-admin, identitystore, organizations) on one local URL until Ctrl-C. Prints the
    URL and `export` lines to stdout."""
    validation.region(region, "--region")
    validation.start_url(start_url, "--start-url")
    org = generate_org(accounts=accounts, seed=seed)
    emu = Emulator(
        org, start_url=start_url, region=region, host=host, port=port, auto_approve=auto_approve,
        latency_ms=latency_ms, max_rps=max_rps, seed=seed,
    )
    try:
        emu.start()
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        active = len(org.active_accounts())
        click.echo(
            f"# ssodeck emulator on {emu.url} | start URL {emu.start_url} | region {emu.region} | "
            f"{accounts} accounts ({active} active) | user {emu.user}"
        )
        for name, value in emu.env().items():
            click.echo(f"export {name}={shlex.quote(value)}")
        click.echo("# Credentials for `ssodeck admin` (the emulator accepts any; these act as the management account's administrator):")
        for name, value in ADMIN_CREDENTIALS.items():
            click.echo(f"export {name}={shlex.quote(value)}")
        approval = "sign-ins are approved automatically" if auto_approve else f"approve sign-ins at {emu.url}/device"
        click.echo(f"# With these variables set, `ssodeck login` will now work ({approval}). Ctrl-C stops.")
        click.get_text_stream("stdout").flush()
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        emu.stop()
