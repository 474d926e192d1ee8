"""Where things live on disk, computed at call time from the environment.

botocore expands ``~`` when it is imported; ssodeck reads HOME and the AWS_* variables on
every call instead, so tests (and users switching HOME) always get the directories they set.
"""

from __future__ import annotations

import os

# pathlib is imported when a Path is first asked for, not with this module: the
# credential-process fast path uses only the string forms below and skips its import cost.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

try:  # CPython's built-in SHA-1; hashlib would load OpenSSL, costing credential-process ~2 ms a run
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1 as _sha1


def _path(value: str) -> Path:
    from pathlib import Path

    return Path(value)


def _expand(value: str) -> Path:
    return _path(expand(value))


def expand(value: str) -> str:
    return os.path.expanduser(os.path.expandvars(value))


def aws_config_name() -> str:
    """The AWS config file as a plain string (the credential-process fast path avoids pathlib)."""
    return expand(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config")


def aws_credentials_name() -> str:
    """The shared credentials file, which botocore reads beside the config file."""
    return expand(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials")


def aws_config_file() -> Path:
    return _path(aws_config_name())


def sso_cache_dir() -> Path:
    """The SSO token cache shared with botocore and the AWS CLI."""
    return _expand("~/.aws/sso/cache")


def cli_cache_name() -> str:
    """The AWS CLI v2 credential cache, which also holds SSO role credentials."""
    return expand("~/.aws/cli/cache")


def cli_cache_dir() -> Path:
    return _path(cli_cache_name())


def ssodeck_cache_dir() -> Path:
    """ssodeck's own cache (role listings, locks). ``SSODECK_CACHE_DIR`` overrides it."""
    override = os.environ.get("SSODECK_CACHE_DIR")
    if override:
        return _expand(override)
    import platformdirs

    return _path(platformdirs.user_cache_dir("ssodeck", appauthor=False))


def sha1_hex(text: str) -> str:
    return _sha1(text.encode("utf-8")).hexdigest()


def private_dirs(directory: str | os.PathLike[str]) -> None:
    """Create ``directory`` and any missing parents with mode 0700 (existing ones are left as
    they are): ssodeck's caches hold tokens and credentials, readable by their owner only."""
    missing = []
    current = os.path.abspath(directory)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
