"""Where things live on disk, computed at call time from the environment.

botocore expands ``~`` when it is imported; ssodeck reads HOME and the AWS_* variables on
every call instead, so tests (and users switching HOME) always get the directories they set.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def _expand(value: str) -> Path:
    return Path(os.path.expanduser(os.path.expandvars(value)))


def aws_config_file() -> Path:
    return _expand(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config")


def sso_cache_dir() -> Path:
    """The SSO token cache shared with botocore and the AWS CLI."""
    return _expand("~/.aws/sso/cache")


def cli_cache_dir() -> Path:
    """The AWS CLI v2 credential cache, which also holds SSO role credentials."""
    return _expand("~/.aws/cli/cache")


def ssodeck_cache_dir() -> Path:
    """ssodeck's own cache (role listings, locks). ``SSODECK_CACHE_DIR`` overrides it."""
    override = os.environ.get("SSODECK_CACHE_DIR")
    if override:
        return _expand(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("ssodeck", appauthor=False))


def ssodeck_config_dir() -> Path:
    override = os.environ.get("SSODECK_CONFIG_DIR")
    if override:
        return _expand(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("ssodeck", appauthor=False))


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
