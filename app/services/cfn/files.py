"""``ssodeck admin cfn``: input files to a plan of template files, then one writer.

Everything is read, validated and rendered before the first byte is written, so invalid
input writes nothing; each file is then written atomically. Layout follows aws-sso-util:
``OUT/<stem><suffix>`` for the parent and ``OUT/<stem>/<stem>-NNN<suffix>`` for its child
templates (TemplateURL ``./<stem>/<stem>-NNN<suffix>``, which ``aws cloudformation package``
uploads), with OUT the ``--output-dir`` or ``templates`` beside the input.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.services.atomic import atomic_write
from app.services.cfn.assignments_csv import csv_rows, render_csv
from app.services.cfn.config_input import config_groups
from app.services.cfn.generate import build_unit
from app.services.cfn.identifiers import BadIdentifier, instance_term
from app.services.cfn.macro_input import macro_groups
from app.services.cfn.model import Settings, Unit
from app.services.cfn.reader import load_file
from app.services.cfn.resolver import OuAccounts, Resolver, fallback_instance
from app.services.cfn.schema import Context
from app.services.cfn.template_text import format_for, render
from app.services.errors import InvalidInput

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json")
WRITERS = 8


@dataclass(frozen=True)
class Request:
    inputs: tuple[Path, ...]
    macro: bool = False
    base_template: Path | None = None
    instance: str | None = None
    settings: Settings = field(default_factory=Settings)  # from the command line: wins over the files
    suffix: str = ".yaml"
    output_dir: Path | None = None
    csv_path: Path | None = None
    csv_only: bool = False
    lookup_names: bool = False


@dataclass(frozen=True)
class UnitReport:
    input: str
    parent: Path
    children: int
    assignments: int


@dataclass
class Plan:
    files: dict[Path, str]  # in writing order
    units: list[UnitReport]


def template_suffix(suffix: str) -> str:
    """``-generated`` becomes ``-generated.yaml``; a suffix already ending in .yaml, .yml or .json stays."""
    return suffix if suffix.lower().endswith(TEMPLATE_SUFFIXES) else suffix + ".yaml"


def plan(request: Request, resolver: Resolver | None = None) -> Plan:
    cli_instance = None
    if request.instance:
        try:
            cli_instance = instance_term(request.instance)
        except BadIdentifier as error:
            raise InvalidInput(f"--ins: {error}") from None
    context = Context(cli_instance, fallback_instance(resolver))
    base: dict[str, Any] = {}
    inputs = list(request.inputs)
    if request.base_template is not None:
        base = _base_template(request.base_template)
        inputs = [path for path in inputs if Path(path).resolve() != Path(request.base_template).resolve()]
    if not inputs:
        raise InvalidInput("no input files besides the base template")
    suffix = template_suffix(request.suffix)
    units = [_unit(Path(path), request, context, base) for path in inputs]
    parents = _parent_paths(units, inputs, request.output_dir, suffix)
    ou_accounts = OuAccounts(resolver)
    files: dict[Path, str] = {}
    reports, rows = [], []
    for unit, parent_path in zip(units, parents):
        publish = _Children(unit.stem, parent_path.parent, suffix)
        built = build_unit(unit, publish=publish, ou_accounts=ou_accounts, resolver=resolver,
                           lookup_names=request.lookup_names, cli_instance=cli_instance)
        files.update(publish.files)
        files[parent_path] = render(built.parent, format_for(suffix))
        reports.append(UnitReport(unit.name, parent_path, len(publish.files), len(built.assignments)))
        if request.csv_path is not None:
            template_of = {logical_id: str(publish.paths[index]) for logical_id, index in built.child_of.items()}
            rows += csv_rows(built.assignments, template_of, str(parent_path))
    if request.csv_path is not None:
        csv_file = {Path(request.csv_path): render_csv(rows)}
        files = csv_file if request.csv_only else {**files, **csv_file}
    return Plan(files, reports)


class _Children:
    """Keeps each child template's text for a file beside the parent; returns its relative URL."""

    def __init__(self, stem: str, directory: Path, suffix: str) -> None:
        self.stem, self.directory, self.suffix = stem, directory, suffix
        self.files: dict[Path, str] = {}
        self.paths: dict[int, Path] = {}  # child index -> file

    def __call__(self, index: int, template: dict[str, Any]) -> str:
        name = f"{self.stem}-{index:03d}{self.suffix}"
        self.paths[index] = self.directory / self.stem / name
        self.files[self.paths[index]] = render(template, format_for(self.suffix))
        return f"./{self.stem}/{name}"


def write(plan_: Plan) -> None:
    """Every file atomically; a few at a time, since each waits on fsync rather than the CPU."""
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for done in [pool.submit(atomic_write, path, text) for path, text in plan_.files.items()]:
            done.result()


def _unit(path: Path, request: Request, context: Context, base: dict[str, Any]) -> Unit:
    documents = load_file(path)
    if request.macro:
        if len(documents) != 1:
            raise InvalidInput(f"{path}: a template is one YAML document, not {len(documents)}")
        template, groups, file_settings = macro_groups(documents[0], context)
    else:
        template = base
        groups, file_settings = config_groups(documents, context)
    return Unit(str(path), path.stem, template, groups, request.settings.over(file_settings))


def _base_template(path: Path) -> dict[str, Any]:
    documents = load_file(path)
    if len(documents) != 1 or not isinstance(documents[0].data, dict):
        raise InvalidInput(f"{path}: a base template is one mapping with CloudFormation sections")
    template = documents[0].data
    for section in ("Parameters", "Resources", "Conditions"):
        if not isinstance(template.get(section, {}), dict):
            raise documents[0].fail((section,), "expected a mapping")
    return template


def _parent_paths(units: list[Unit], inputs: list[Path], output_dir: Path | None, suffix: str) -> list[Path]:
    paths: dict[Path, str] = {}
    result = []
    for unit, source in zip(units, inputs):
        path = (Path(output_dir) if output_dir is not None else Path(source).parent / "templates") / f"{unit.stem}{suffix}"
        if path in paths:
            raise InvalidInput(f"{unit.name} and {paths[path]} would both write {path}; give them different names")
        paths[path] = unit.name
        result.append(path)
    return result
