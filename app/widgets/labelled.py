"""A form row: a label and the field it names, side by side, one line high when compact."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Label


class Labelled(Horizontal):
    DEFAULT_CSS = """
    Labelled {
        height: auto;
        & > Label { width: 15; color: $text-muted; }
        & > .labelled--field { width: 1fr; }
    }
    """

    def __init__(self, label: str, field: Widget, *, classes: str | None = None) -> None:
        field.add_class("labelled--field")
        super().__init__(Label(label), field, classes=classes)
