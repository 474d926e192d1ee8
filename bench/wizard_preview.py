"""How fast does the populate wizard's live preview follow each naming option?

    python bench/wizard_preview.py [--accounts 1000] [--repeat 5] [--rounds 3]

1,000 accounts x 7 roles in 2 regions make 14,000 profile names, every one of them named
again (and checked for duplicates) on each change. Two figures per change, in the order a
person might make them:

* service: ``preview_names`` alone (the median of ``--repeat`` runs, and the slowest);
* screen: the real wizard (headless), from setting the field to the preview widget holding
  the new names, plus drawing its visible lines (what the repaint costs it), ``--rounds``
  times: the wall-clock time, and the CPU time the process spent on it (every thread),
  which waiting for a busy machine's CPUs does not add to. The load average is printed:
  on a shared machine, wall-clock figures include that wait.

Goal: every change under 100 ms on the screen. The listing comes from a prepared cache, so
no network is involved.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import time

from _env import isolate

GOAL_MS = 100.0
REGIONS = ("eu-west-1", "us-east-1")
# (what changes, the field, the value a person types or picks)
CHANGES = (
    ("separator . -> -", "#separator", "-"),
    ("separator - -> _", "#separator", "_"),
    ("trim account ^acme-", "#trim-account", "^acme-"),
    ("trim role Access$", "#trim-role", "Access$"),
    ("account case lower", "#account-case", "lower"),
    ("role case upper", "#role-case", "upper"),
    ("region in all names", "#include-region", "always"),
    ("region style long", "#region-style", "long"),
    ("raw account names", "#account-names", "raw"),
    ("components id,role,region", "#components", "account_id,role_name,region"),
    ("components role only", "#components", "role_name"),
    ("components back", "#components", "account_name,role_name,default_style_region"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="service calls per change")
    parser.add_argument("--rounds", type=int, default=3, help="times the screen goes through the changes")
    args = parser.parse_args()
    isolate()

    from populate import INSTANCE, ROLES, org

    from app.models import Account, utcnow
    from app.services import roles as listing_service
    from app.services.name_preview import preview_names
    from app.services.populate_choices import PopulateChoices

    roles = org(args.accounts)
    accounts = tuple({role.account_id: Account(role.account_id, role.account_name) for role in roles}.values())
    listing_service.save_cached(INSTANCE, listing_service.Listing(accounts, tuple(roles), utcnow()))
    choices = PopulateChoices(REGIONS)
    service = _service_figures(preview_names, roles, choices, args.repeat)
    screen = asyncio.run(_screen_figures(INSTANCE, choices, args.rounds))

    print(f"profile names per change:      {len(roles) * len(REGIONS):,} ({len(accounts):,} accounts x {len(ROLES)} roles x {len(REGIONS)} regions)")
    print(f"load average (1, 5 min):       {os.getloadavg()[0]:.1f}, {os.getloadavg()[1]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'change':<28} {'service':>18} {'screen wall':>18} {'screen CPU':>18}")
    print(f"{'':<28} {'median / max':>18} {'median / max':>18} {'median / max':>18}")
    for (label, *_), (median, slowest), rounds in zip(CHANGES, service, screen):
        walls, cpus = [wall for wall, _ in rounds], [cpu for _, cpu in rounds]
        print(f"{label:<28} {_pair(median, slowest)} {_pair(statistics.median(walls), max(walls))} {_pair(statistics.median(cpus), max(cpus))}")
    walls = [wall for rounds in screen for wall, _ in rounds]
    cpus = [cpu for rounds in screen for _, cpu in rounds]
    print(f"screen updates timed:          {len(walls)} ({args.rounds} rounds of {len(CHANGES)} changes)")
    print(f"screen, median of all:         {statistics.median(walls):.1f} ms wall, {statistics.median(cpus):.1f} ms CPU")
    print(f"screen, slowest:               {max(walls):.1f} ms wall, {max(cpus):.1f} ms CPU (goal < {GOAL_MS:.0f} ms)")
    print(f"slowest service call:          {max(s for _, s in service):.1f} ms")


def _pair(median: float, slowest: float) -> str:
    return f"{median:7.1f} / {slowest:6.1f} ms"


def _service_figures(preview_names, roles, choices, repeat: int) -> list[tuple[float, float]]:  # noqa: ANN001
    """Each change applied in turn to the options, timed ``repeat`` times."""
    from app.services.profile_names import NamingOptions

    figures = []
    naming = NamingOptions()
    fields = {"#separator": "separator", "#trim-account": "trim_account_name", "#trim-role": "trim_role_name",
              "#account-case": "account_name_case", "#role-case": "role_name_case", "#include-region": "include_region",
              "#region-style": "region_style", "#components": "components"}  # fmt: skip
    for _, field, value in CHANGES:
        if field == "#account-names":
            naming = dataclasses.replace(naming, safe_account_names=False)
        else:
            typed: object = tuple(value.split(",")) if field == "#components" else (value,) if field.startswith("#trim") else value
            naming = dataclasses.replace(naming, **{fields[field]: typed})
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            preview_names(roles, choices.regions, naming, choices_instance())
            times.append((time.perf_counter() - start) * 1000)
        figures.append((statistics.median(times), max(times)))
    return figures


def choices_instance():  # noqa: ANN201
    from populate import INSTANCE

    return INSTANCE


RESET = (("#separator", "."), ("#trim-account", ""), ("#trim-role", ""), ("#account-case", ""), ("#role-case", ""),
         ("#include-region", "default"), ("#region-style", "short"), ("#account-names", "safe"))  # fmt: skip


async def _screen_figures(instance, choices, rounds: int) -> list[list[tuple[float, float]]]:  # noqa: ANN001
    """The wizard, headless, at its naming step: set each field, wait for the new preview;
    ``rounds`` times, the options put back between rounds (untimed). Per change, its
    (wall, CPU) milliseconds in each round."""
    from app.screens.populate_wizard import NAMING
    from app.tui import make_app
    from app.widgets.name_preview import NamePreviewList

    app = make_app(instance=instance, start="wizard", choices=choices)
    figures: list[list[tuple[float, float]]] = [[] for _ in CHANGES]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        wizard = app.screen
        while wizard.step < NAMING:
            await pilot.press("ctrl+n")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
        shown = wizard.query_one(NamePreviewList)
        for _ in range(rounds):
            for field, value in RESET:
                _set(wizard.query_one(field), value)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            for number, (_, field, value) in enumerate(CHANGES):
                before = shown.shown
                start, cpu = time.perf_counter(), time.process_time()
                _set(wizard.query_one(field), value)
                while shown.shown == before:
                    await asyncio.sleep(0.002)
                for line in range(shown.size.height):  # what the repaint draws of the preview
                    shown.render_line(line)
                figures[number].append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return figures


def _set(widget, value: str) -> None:  # noqa: ANN001 - an Input, TextArea or Select
    from textual.widgets import TextArea

    if isinstance(widget, TextArea):
        widget.text = value
    else:
        widget.value = value


if __name__ == "__main__":
    main()
