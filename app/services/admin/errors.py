"""Errors of the admin services that the shared ones do not cover."""

from __future__ import annotations

from app.services.errors import SsodeckError


class CredentialsError(SsodeckError):
    """No AWS credentials for the admin APIs, or AWS rejected them."""

    exit_code = 1


class NotFound(SsodeckError):
    """A user, group, permission set or account named on the command line does not exist."""

    exit_code = 1
