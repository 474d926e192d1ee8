"""Letters typed in a list go to the list's filter box: one rule for every screen that has
both (the roles view, the assignment explorer).

A letter or digit no key is bound to, typed while the list has the focus, moves the focus to
the filter and is typed there. Keys come in bursts (a paste, a fast typist), and Textual
routes each to the widget focused when it is read, before the first letter's handler has
moved the focus: so a letter that reaches the screen while the screen already gives the
filter the focus (``Screen.focused``; a widget's ``has_focus`` follows a moment later) was
sent to the list by mistake and is typed into the filter too, bound or not.
"""

from __future__ import annotations

from collections.abc import Collection

from textual import events
from textual.screen import Screen
from textual.widgets import Input


def typed_letter(event: events.Key) -> str | None:
    """The letter or digit ``event`` types, if it types one."""
    character = event.character
    return character if event.is_printable and character is not None and character.isalnum() else None


def type_into_filter(screen: Screen, event: events.Key, filter_box: Input, *, bound: Collection[str]) -> bool:
    """Send ``event``'s letter to ``filter_box`` when it belongs there (see the module);
    ``bound`` are the keys the list's screen acts on. True when it was typed there."""
    letter = typed_letter(event)
    if letter is None:
        return False
    if screen.focused is not filter_box:
        if event.key in bound:
            return False
        screen.set_focus(filter_box)
    filter_box.insert_text_at_cursor(letter)
    event.stop()
    event.prevent_default()
    return True
