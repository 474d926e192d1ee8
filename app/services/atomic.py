"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from app.services.errors import WriteFailed
from app.services.paths import private_dirs


def atomic_write(path: Path, data: str | bytes, *, mode: int = 0o600, backup: bool = False) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory, fsync, then rename.

    ``mode`` is applied to the new file (secrets stay 0600). With ``backup`` the previous
    file, if any, is kept as ``<name>.bak`` (one generation). Any failure leaves ``path`` as it
    was and raises WriteFailed naming ``path`` (never the temp file) and the reason.
    """
    path = Path(path)
    try:
        _write(path, data.encode("utf-8") if isinstance(data, str) else data, mode, backup)
    except OSError as error:
        raise WriteFailed(f"cannot write {path}: {_reason(error)}; it was left as it was") from None


def backup_path(path: Path) -> Path:
    """Where ``atomic_write(..., backup=True)`` keeps the previous file."""
    return path.with_name(path.name + ".bak")


def _reason(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    if isinstance(error, PermissionError):
        return f"{reason} (its directory is not writable)"
    return reason


def _write(path: Path, payload: bytes, mode: int, backup: bool) -> None:
    private_dirs(path.parent)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)
        if backup and path.exists():
            shutil.copy2(path, backup_path(path))
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; not every platform lets a directory be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
