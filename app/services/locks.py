"""Cross-process locks, so that many processes needing a token cause one login or refresh."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from app.services.paths import sha1_hex, ssodeck_cache_dir

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(name: str) -> Path:
    """Lock files live in ssodeck's cache, not in ~/.aws/sso/cache where the AWS CLI scans JSON."""
    return ssodeck_cache_dir() / "locks" / f"{sha1_hex(name)}.lock"


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[None]:
    """Hold an exclusive lock named ``name`` across processes (blocks until it is free)."""
    path = lock_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
