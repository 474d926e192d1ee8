"""The HTTP front of the emulator and the ``Emulator`` context manager that owns it.

One stdlib ThreadingHTTPServer on 127.0.0.1 serves sso-oidc, the portal, federation, STS and
the admin APIs (sso-admin, identitystore, organizations) at the root (their paths or
``X-Amz-Target`` headers do not collide), so a single base URL goes into every
``AWS_ENDPOINT_URL_*`` variable and botocore's own clients and providers work unchanged.
Every request is counted, logged and gated (failure injection, rate limit) on arrival, then
delayed by the configured latency, then answered by its route's handler.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
import traceback
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from app.emulator import admin, admin_sso, browser, control_api, federation, identitystore, oidc, organizations, portal, sts
from app.emulator.controls import Controls
from app.emulator.generate import generate_org
from app.emulator.org import Org
from app.emulator.state import State
from app.emulator.wire import ApiError, Reply, Request, Route, json_reply, parse_params, render_error

DEFAULT_START_URL = "https://ssodeck-demo.awsapps.com/start"
# Keys for the admin APIs (any keys work; these act as the management account's administrator).
ADMIN_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEMULATOR1", "AWS_SECRET_ACCESS_KEY": "ssodeck-emulator-accepts-any-secret"}
DEFAULT_REGION = "us-east-1"
_QUERY = re.compile(r"\?\S*")


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/client/register"): Route("oidc", oidc.register_client, "RegisterClient"),
    ("POST", "/device_authorization"): Route("oidc", oidc.start_device_authorization, "StartDeviceAuthorization"),
    ("POST", "/token"): Route("oidc", oidc.create_token, oidc.token_op),
    ("GET", "/authorize"): Route("text", browser.authorize, "Authorize"),
    ("POST", "/authorize"): Route("text", browser.authorize, "Authorize"),
    ("GET", "/device"): Route("text", browser.device, "DeviceApproval"),
    ("POST", "/device"): Route("text", browser.device, "DeviceApproval"),
    ("GET", "/assignment/accounts"): Route("portal", portal.list_accounts, "ListAccounts"),
    ("GET", "/assignment/roles"): Route("portal", portal.list_account_roles, "ListAccountRoles"),
    ("GET", "/federation/credentials"): Route("portal", portal.get_role_credentials, "GetRoleCredentials"),
    ("POST", "/logout"): Route("portal", portal.logout, "Logout"),
    ("GET", "/federation"): Route("text", federation.federation, federation.federation_op),
    ("POST", "/federation"): Route("text", federation.federation, federation.federation_op),
    ("POST", "/"): Route("sts", sts.sts, sts.sts_op),
}
ADMIN_HANDLERS = {"sso-admin": admin_sso.HANDLERS, "identitystore": identitystore.HANDLERS, "organizations": organizations.HANDLERS}


class _Server(ThreadingHTTPServer):
    """Keeps connections alive like the real endpoints, and tracks them so that stopping the
    emulator also ends idle keep-alive connections (a stopped emulator answers nothing)."""

    daemon_threads = True
    request_queue_size = 128  # benchmarks open many connections at once

    def __init__(self, address: tuple[str, int], state: State, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.verbose = verbose
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out and hang up are normal here; stay quiet unless asked."""
        if self.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # every reply carries Content-Length, so keep-alive is safe
    timeout = 120  # drop connections idle this long
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait 40 ms between

    def version_string(self) -> str:
        return "ssodeck-emulator"

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.verbose:  # path only: query strings can carry sign-in tokens
            sys.stderr.write(f"emulator: {self.command} {urlsplit(self.path).path} -> {code}\n")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write("emulator: " + _QUERY.sub("?...", format % args) + "\n")

    def _dispatch(self) -> None:
        if self.server.stopping.is_set():
            self.close_connection = True
            return
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True  # unsupported; never parse the leftover body as a request
        body = self.rfile.read(length) if length > 0 else b""
        request = Request(self.command, split.path or "/", parse_params(split.query), dict(self.headers.items()), body)
        state = self.server.state
        if request.path.startswith("/_emu/"):
            self._send(control_api.handle(state, request))
            return
        route = admin.route(request, ADMIN_HANDLERS) or ROUTES.get((request.method, request.path))
        op = None if route is None else route.op if isinstance(route.op, str) else route.op(request)
        refusal = state.traffic.admit(request.log_entry(op), op)
        try:
            if route is None:
                reply = json_reply({"message": f"No route for {request.method} {request.path}"}, 404)
                reply.headers["x-amzn-ErrorType"] = "UnknownOperationException"
            else:
                delay = state.controls.latency_for(op) if op else 0.0
                if delay is None or self.server.stopping.wait(delay):
                    self.server.stopping.wait()  # "hang": never answer; give up when the server stops
                    self.close_connection = True
                    return
                reply = self._answer(route, request, refusal, op)
            self._send(reply)
        finally:
            state.traffic.done(op)

    def _answer(self, route: Route, request: Request, refusal: ApiError | None, op: str | None) -> Reply:
        request_id = request.request_id
        try:
            if refusal is not None:
                raise refusal
            reply = route.handler(self.server.state, request)
        except ApiError as error:
            reply = render_error(error, route.family, request_id)
        except Exception as error:  # a bug in the emulator: say where, never what (values may be secrets)
            frames = "".join(traceback.format_tb(error.__traceback__))
            sys.stderr.write(f"ssodeck emulator: internal error in {op}: {type(error).__name__}\n{frames}")
            reply = render_error(ApiError(500, None, "Internal error in the emulator"), route.family, request_id)
        reply.headers.setdefault("x-amzn-RequestId", request_id)
        return reply

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


class Emulator:
    """A local IAM Identity Center on 127.0.0.1; use as a context manager or start()/stop().

    Keyword arguments beyond the named ones are controls (see app.emulator.controls.Controls).
    """

    def __init__(
        self,
        org: Org | None = None,
        *,
        start_url: str = DEFAULT_START_URL,
        region: str = DEFAULT_REGION,
        user: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        auto_approve: bool = False,
        verbose: bool = False,
        **controls: Any,
    ) -> None:
        if host != "127.0.0.1":
            raise ValueError("the emulator listens on 127.0.0.1 only")
        self.org = org if org is not None else generate_org(accounts=12)
        self.controls = Controls()
        self.controls.update(**controls)
        if auto_approve:
            self.controls.update(approval="auto")
        user_name = self.org.user(user).user_name if user else self.org.default_user.user_name
        self._state = State(self.org, self.controls, start_url, region, user_name)
        self._address = (host, port)
        self._verbose = verbose
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = _Server(self._address, self._state, self._verbose)
        self._state.url = f"http://{self._address[0]}:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="ssodeck-emulator", daemon=True
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if not self._state.url:
            raise RuntimeError("the emulator has not been started")
        return self._state.url

    @property
    def start_url(self) -> str:
        return self._state.start_url

    @property
    def region(self) -> str:
        return self._state.region

    @property
    def user(self) -> str:
        return self._state.user

    def env(self) -> dict[str, str]:
        """The environment that points botocore, the AWS CLI and ssodeck at this emulator."""
        url = self.url
        return {
            "AWS_ENDPOINT_URL_SSO": url,
            "AWS_ENDPOINT_URL_SSO_OIDC": url,
            "AWS_ENDPOINT_URL_STS": url,
            "AWS_ENDPOINT_URL_SSO_ADMIN": url,
            "AWS_ENDPOINT_URL_IDENTITYSTORE": url,
            "AWS_ENDPOINT_URL_ORGANIZATIONS": url,
            "SSODECK_FEDERATION_ENDPOINT": url + "/federation",
            "AWS_DEFAULT_SSO_START_URL": self.start_url,
            "AWS_DEFAULT_SSO_REGION": self.region,
        }

    def configure(self, **changes: Any) -> None:
        self._state.configure(**changes)

    def counts(self) -> Counter[str]:
        return self._state.traffic.counts()

    @property
    def peak_in_flight(self) -> int:
        return self._state.traffic.peak_in_flight

    def requests(self) -> list[dict[str, Any]]:
        return self._state.traffic.requests()

    def reset_counters(self) -> None:
        self._state.traffic.reset()

    def approve(self, user_code: str, user: str | None = None) -> None:
        self._state.decide(user_code, True, user)

    def deny(self, user_code: str) -> None:
        self._state.decide(user_code, False)

    def expire_now(self, what: str) -> None:
        self._state.expire_now(what)

    def console_destinations(self) -> list[str]:
        return self._state.console_destinations()
