"""Everything the emulator remembers between requests, behind one lock.

Handlers run on many threads at once; keeping every record (clients, device and auth codes,
sessions and their tokens, minted role credentials, sign-in tokens) under one re-entrant
lock makes each grant's check-then-consume step atomic without any finer bookkeeping.
Times are epoch seconds (``time.time()``) because that is what the wire formats carry.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from app.emulator.controls import EXPIRABLE, Controls
from app.emulator.org import Org
from app.emulator.traffic import Traffic
from app.emulator.wire import ApiError

_UPPER_ALNUM = string.ascii_uppercase + string.digits
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, so no accidental words


def random_text(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def stable_hex(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass
class Client:
    client_id: str
    client_secret: str
    name: str
    issued_at: float
    expires_at: float
    grant_types: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()


@dataclass
class DeviceCode:
    device_code: str
    user_code: str
    client_id: str
    created: float
    expires_at: float
    status: str = "pending"  # pending | approved | denied | consumed
    user: str | None = None
    polls: int = 0
    pending_answers: int = 0


@dataclass
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    challenge: str
    user: str
    expires_at: float
    used: bool = False


@dataclass
class Session:
    """One sign-in: every access and refresh token it yields dies with it on Logout."""

    user: str
    client_id: str
    revoked: bool = False


@dataclass
class IssuedToken:
    session: Session
    expires_at: float
    revoked: bool = False

    def usable(self, now: float) -> bool:
        return not self.revoked and not self.session.revoked and now < self.expires_at


@dataclass
class RoleCreds:
    access_key_id: str
    secret_access_key: str
    session_token: str
    account_id: str
    role_name: str
    user: str
    expires_at: float


@dataclass
class SigninToken:
    access_key_id: str
    expires_at: float
    used: bool = False


@dataclass
class State:
    org: Org
    controls: Controls
    start_url: str
    region: str
    user: str
    url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock)
    clients: dict[str, Client] = field(default_factory=dict)
    device_codes: dict[str, DeviceCode] = field(default_factory=dict)
    auth_codes: dict[str, AuthCode] = field(default_factory=dict)
    access_tokens: dict[str, IssuedToken] = field(default_factory=dict)
    refresh_tokens: dict[str, IssuedToken] = field(default_factory=dict)
    role_creds: dict[str, RoleCreds] = field(default_factory=dict)
    signin_tokens: dict[str, SigninToken] = field(default_factory=dict)
    destinations: list[str] = field(default_factory=list)
    traffic: Traffic = field(init=False)

    def __post_init__(self) -> None:
        self.traffic = Traffic(self.controls, self.lock)

    def configure(self, **changes: Any) -> None:
        with self.lock:
            self.controls.update(**changes)
            self.traffic.reconfigured(set(changes))

    # -- sso-oidc records --------------------------------------------------------------------

    def register_client(self, name: str, grant_types: list[str], redirect_uris: list[str], scopes: list[str]) -> Client:
        now = time.time()
        client = Client(
            client_id=random_text(string.ascii_letters + string.digits, 22),
            client_secret="eyJraWQiOiJrZXktMSIsImFsZyI6IkhTMzg0In0." + secrets.token_urlsafe(240),
            name=name,
            issued_at=now,
            expires_at=now + self.controls.registration_ttl,
            grant_types=tuple(grant_types),
            redirect_uris=tuple(redirect_uris),
            scopes=tuple(scopes),
        )
        with self.lock:
            self.clients[client.client_id] = client
        return client

    def authenticate(self, client_id: Any, client_secret: Any) -> Client:
        """The registered, unexpired client with this id and secret, or 401 InvalidClient."""
        with self.lock:
            client = self.clients.get(client_id) if isinstance(client_id, str) else None
        if client is None or not secrets.compare_digest(client.client_secret, str(client_secret or "")):
            raise ApiError(401, "InvalidClientException", "Invalid client id or secret")
        if time.time() >= client.expires_at:
            raise ApiError(401, "InvalidClientException", "Client registration has expired")
        return client

    def start_device(self, client: Client) -> DeviceCode:
        now = time.time()
        with self.lock:
            user_code = random_text(_USER_CODE_LETTERS, 8)
            while self.device_by_user_code(user_code):
                user_code = random_text(_USER_CODE_LETTERS, 8)
            record = DeviceCode(
                device_code=secrets.token_urlsafe(64),
                user_code=f"{user_code[:4]}-{user_code[4:]}",
                client_id=client.client_id,
                created=now,
                expires_at=now + self.controls.device_expires_in,
            )
            self.device_codes[record.device_code] = record
            return record

    def device_by_user_code(self, user_code: str) -> DeviceCode | None:
        wanted = user_code.strip().upper().replace("-", "").replace(" ", "")
        with self.lock:
            return next((d for d in self.device_codes.values() if d.user_code.replace("-", "") == wanted), None)

    def decide(self, user_code: str, approve: bool, user: str | None = None) -> DeviceCode:
        """The browser step: approve (as ``user``, default the emulator's user) or deny a code."""
        with self.lock:
            record = self.device_by_user_code(user_code)
            if record is None or record.status == "consumed":
                raise LookupError(f"no pending sign-in with code {user_code!r}")
            if time.time() >= record.expires_at:
                raise LookupError(f"the sign-in with code {user_code!r} has expired")
            if approve:
                record.status, record.user = "approved", self.org.user(user or self.user).user_name
            else:
                record.status = "denied"
            return record

    def issue_tokens(self, client_id: str, user: str, session: Session | None = None, refresh: bool = True) -> dict[str, Any]:
        """A CreateToken success body: a new access token (and refresh token) in a session."""
        now = time.time()
        session = session or Session(user=user, client_id=client_id)
        access = "aoa" + secrets.token_urlsafe(160)
        payload: dict[str, Any] = {"accessToken": access, "tokenType": "Bearer", "expiresIn": self.controls.token_ttl}
        with self.lock:
            self.access_tokens[access] = IssuedToken(session, now + self.controls.token_ttl)
            if refresh:
                token = "aor" + secrets.token_urlsafe(160)
                self.refresh_tokens[token] = IssuedToken(session, now + self.controls.refresh_token_ttl)
                payload["refreshToken"] = token
        return payload

    def session_for(self, access_token: str | None) -> Session:
        """The live session behind a portal bearer token, or 401 UnauthorizedException."""
        with self.lock:
            record = self.access_tokens.get(access_token or "")
            if record is None or not record.usable(time.time()):
                raise ApiError(401, "UnauthorizedException", "Session token not found or invalid")
            return record.session

    # -- role credentials and federation -----------------------------------------------------

    def mint_role_credentials(self, user: str, account_id: str, role_name: str) -> RoleCreds:
        creds = RoleCreds(
            access_key_id="ASIA" + random_text(_UPPER_ALNUM, 16),
            secret_access_key=random_text(string.ascii_letters + string.digits + "+/", 40),
            session_token="IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(300),
            account_id=account_id,
            role_name=role_name,
            user=user,
            expires_at=time.time() + self.controls.role_credentials_ttl,
        )
        with self.lock:
            self.role_creds[creds.access_key_id] = creds
        return creds

    def live_role_creds(self, access_key_id: str) -> RoleCreds | None:
        with self.lock:
            creds = self.role_creds.get(access_key_id)
            return creds if creds is not None and time.time() < creds.expires_at else None

    def expire_now(self, what: str) -> None:
        """Make every record of one kind expire at once, for testing expiry paths."""
        if what not in EXPIRABLE:
            raise ValueError(f"cannot expire {what!r}; choose one of {', '.join(EXPIRABLE)}")
        past = time.time() - 1
        with self.lock:
            records = {
                "access_token": self.access_tokens.values(),
                "refresh_token": self.refresh_tokens.values(),
                "registration": self.clients.values(),
                "device_code": self.device_codes.values(),
                "role_credentials": self.role_creds.values(),
            }[what]
            for record in records:
                record.expires_at = min(record.expires_at, past)

    def console_destinations(self) -> list[str]:
        with self.lock:
            return list(self.destinations)
