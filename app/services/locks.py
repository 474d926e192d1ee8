"""Cross-process locks, so that many processes needing a token cause one login or refresh."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from app.services.paths import private_dirs, sha1_hex, ssodeck_cache_dir

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int, wait: bool = True) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            if wait:
                raise
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int, wait: bool = True) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(name: str) -> Path:
    """Lock files live in ssodeck's cache, not in ~/.aws/sso/cache where the AWS CLI scans JSON."""
    return ssodeck_cache_dir() / "locks" / f"{sha1_hex(name)}.lock"


@contextlib.contextmanager
def exclusive(name: str, *, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock named ``name`` across processes.

    Yields True once held. With ``wait=False`` it yields False at once if another process
    holds it. If the lock file cannot be created at all (read-only cache directory), the
    work still runs, unlocked, rather than failing the command.
    """
    path = lock_path(name)
    try:
        private_dirs(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True
        return
    try:
        held = _lock(fd, wait)
        try:
            yield held
        finally:
            if held:
                _unlock(fd)
    finally:
        os.close(fd)


def mark(name: str, note: str = "") -> None:
    """Record that something named ``name`` just happened (e.g. a refresh failed), with a
    one-line ``note`` other processes can repeat (never a secret)."""
    from app.services.atomic import atomic_write
    from app.services.errors import WriteFailed

    try:
        atomic_write(lock_path(name).with_suffix(".mark"), note, mode=0o600)
    except WriteFailed:
        pass  # without a writable cache dir each process decides alone, as without locks


def marked_within(name: str, seconds: float) -> bool:
    try:
        return time.time() - lock_path(name).with_suffix(".mark").stat().st_mtime < seconds
    except OSError:
        return False


def marked_after(name: str, moment: float) -> bool:
    """Whether ``name`` was marked at or after ``moment`` (a ``time.time()`` value)."""
    try:
        return lock_path(name).with_suffix(".mark").stat().st_mtime >= moment
    except OSError:
        return False


def mark_note(name: str) -> str:
    try:
        return lock_path(name).with_suffix(".mark").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""
