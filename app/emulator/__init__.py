"""A local IAM Identity Center (sso-oidc, the access portal, console federation and STS
GetCallerIdentity) over real HTTP on 127.0.0.1, for tests, benchmarks and demo mode.

Point botocore at it with the variables from ``Emulator.env()``; nothing else changes.
"""

from app.emulator.generate import generate_org
from app.emulator.org import Org
from app.emulator.server import Emulator

__all__ = ["Emulator", "Org", "generate_org"]
