"""Textual's parsed stylesheets, kept from one start of the app to the next.

At every start Textual parses the CSS of the app and of each kind of widget it shows: about
a tenth of the time to the first frame. Parsing the same CSS text under the same theme
variables with the same Textual gives the same rules, so the app notes what was parsed for
its first frame and writes it when it closes, and the next start puts it back into the
stylesheet's own parse cache before anything is parsed. That cache is keyed by the CSS texts
themselves, so CSS that has changed is parsed as before; the file is named after the theme
variables and the Textual and Python in use, so another theme or version reads nothing. A
file that is missing, damaged or unreadable is ignored: the CSS is then parsed as usual.

The file is read with pickle, so only a file of the user's own that nobody else can write is
read: it lives in ssodeck's private cache directory (made 0700; the file 0600), beside the
listings and locks, and a file owned by another user or writable by others is ignored.
As the app closes, the files of themes and versions not used lately are removed (the few
used last are kept). Textual is pinned to one version; ``restore`` and ``saver`` touch only
the stylesheet's ``_variables`` and ``_parse_cache``, and do nothing if either is missing.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from app.services.atomic import atomic_write
from app.services.paths import sha1_hex, ssodeck_cache_dir


KEEP = 4  # files kept: the one in use and the three used last before it (other themes, older versions)


def _path(stylesheet: Any) -> Path:  # noqa: ANN401 - textual's Stylesheet
    import textual.css.model as model  # loaded already: the stylesheet's rules are made of it

    made = os.stat(model.__file__)
    fingerprint = repr((sys.version, model.__file__, made.st_mtime_ns, made.st_size, sorted(stylesheet._variables.items())))
    return ssodeck_cache_dir() / "styles" / f"{sha1_hex(fingerprint)}.pickle"


def restore(stylesheet: Any) -> frozenset:  # noqa: ANN401 - textual's Stylesheet
    """Put the parses saved for this stylesheet's theme into its parse cache; the keys put
    there (none when nothing usable was saved)."""
    try:
        path = _path(stylesheet)
        with open(path, "rb") as file:
            held = os.fstat(file.fileno())
            if os.name != "nt" and (held.st_uid != os.getuid() or held.st_mode & 0o022):
                return frozenset()
            entries = pickle.loads(file.read())  # noqa: S301 - the owner's own private file (see above)
        cache = stylesheet._parse_cache
        for key, rules in entries:
            cache[key] = rules
        with suppress(OSError):
            os.utime(path)  # used now (see _prune)
        return frozenset(key for key, _ in entries)
    except Exception:  # nothing saved yet, or a file that cannot be used: parse as usual
        return frozenset()


def saver(stylesheet: Any, restored: frozenset) -> Callable[[], None] | None:  # noqa: ANN401 - textual's Stylesheet
    """What the stylesheet has parsed so far, to be saved for the next start: a function that
    writes it if anything is new since what was restored, and removes the files of themes
    and versions not used lately (the app calls it as it closes: pickling and the wait for
    the disk are not for a moment when keys may come); None for a stylesheet this module
    does not know."""
    try:
        cache = stylesheet._parse_cache
        keys = list(cache.keys())
        entries = None if set(keys) <= restored else [(key, cache.get(key)) for key in keys]
        path = _path(stylesheet)
    except Exception:  # not the stylesheet this was written for: nothing is kept
        return None

    def save() -> None:
        try:
            if entries is not None:
                atomic_write(path, pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))
            _prune(path)
        except Exception:  # a cache that cannot be written costs the next start some time, nothing else
            return

    return save


def _prune(current: Path) -> None:
    """Keep ``current`` and the files used last before it, KEEP in all: a file is written for
    each theme, Python and Textual, and the ones of an old version are never read again."""
    others = [path for path in current.parent.glob("*.pickle") if path != current]
    others.sort(key=lambda path: path.stat().st_mtime_ns, reverse=True)
    for old in others[KEEP - 1 :]:
        old.unlink(missing_ok=True)
