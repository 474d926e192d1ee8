"""A list of explorer subjects (accounts, users and groups, permission sets): name, what it
is, and how many assignments it has; the filter's matched letters highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from app.printable import printable
from app.services.admin.pivots import Subject
from app.services.search import field_marks
from app.widgets.cursor_list import CursorList, marked

NAME_WIDTH_CAP = 36
NAME_WIDTH_MIN = 16  # a narrow list cuts the detail before it cuts names below this
DETAIL_WIDTH_CAP = 28
DETAIL_WIDTH_MIN = 12  # room kept for the detail (an account ID) before names take the rest


class SubjectList(CursorList):
    class Highlighted(Message):
        def __init__(self, source: SubjectList, subject: Subject | None) -> None:
            super().__init__()
            self.source, self.subject = source, subject

        @property
        def control(self) -> SubjectList:
            return self.source

    class Activated(Message):
        def __init__(self, source: SubjectList, subject: Subject) -> None:
            super().__init__()
            self.source, self.subject = source, subject

        @property
        def control(self) -> SubjectList:
            return self.source

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subjects: Sequence[Subject] = ()
        self.query = ""
        self.name_width = 10
        self.detail_width = 0
        self.count_width = 1

    def show(self, subjects: Sequence[Subject], *, query: str = "", keep: str | None = None, empty: str = "") -> None:
        """Display ``subjects`` (ranked matches of ``query``, or all); the cursor stays on the
        subject keyed ``keep`` if it is shown."""
        self.subjects, self.query = subjects, query
        sample = subjects[:2000]
        self.name_width = max(10, min(max((cell_len(printable(s.name)) for s in sample), default=10), NAME_WIDTH_CAP))
        self.detail_width = min(max((cell_len(printable(s.detail)) for s in sample), default=0), DETAIL_WIDTH_CAP)
        self.count_width = max((len(str(s.count)) for s in sample), default=1)
        position = next((n for n, s in enumerate(subjects) if s.key == keep), None) if keep is not None else None
        self.reset(position, empty=empty)

    @property
    def current(self) -> Subject | None:
        return self.subjects[self.cursor] if 0 <= self.cursor < len(self.subjects) else None

    def row_count(self) -> int:
        return len(self.subjects)

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    def activate(self) -> None:
        self.post_message(self.Activated(self, self.subjects[self.cursor]))

    def row_segments(self, index: int, style: Style) -> list[Segment]:
        """`` name  detail  count``: names take what they need as long as the detail keeps
        DETAIL_WIDTH_MIN; in a narrower list the detail is cut first, names only below
        NAME_WIDTH_MIN; the count stays right-aligned."""
        subject = self.subjects[index]
        name_marks, detail_marks = field_marks((subject.name, subject.detail), self.query) if self.query else ((), ())
        match, muted = self.matched(style), self.muted(style)
        fixed = 1 + 2 + 1 + self.count_width + 1
        width = self.scrollable_content_region.width
        name_width = max(min(self.name_width, NAME_WIDTH_MIN), min(self.name_width, width - fixed - min(self.detail_width, DETAIL_WIDTH_MIN)))
        detail_width = max(0, width - fixed - name_width)
        count = str(subject.count) if subject.key else ""
        return [
            Segment(" ", style),
            *marked(printable(subject.name), name_marks, style, match, name_width),
            Segment("  ", style),
            *(marked(printable(subject.detail), detail_marks, muted, match, detail_width) if detail_width else []),
            Segment(" " + count.rjust(self.count_width) + " ", muted),
        ]
