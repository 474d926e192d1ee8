"""The ``/_emu/*`` routes: the same knobs and observations as the Python API, over HTTP, for
callers in another process (``ssodeck emulator serve`` driven by a shell script or a test
that launched it as a subprocess). These requests are not counted, logged or delayed.
"""

from __future__ import annotations

from typing import Any, Callable

from app.emulator.state import State
from app.emulator.wire import ApiError, Reply, Request, json_reply


def _snapshot(state: State, request: Request) -> dict[str, Any]:
    traffic = state.traffic
    return {
        "url": state.url,
        "start_url": state.start_url,
        "region": state.region,
        "user": state.user,
        "counts": dict(traffic.counts()),
        "peak_in_flight": traffic.peak_in_flight,
        "in_flight": traffic.in_flight,
        "controls": state.controls.to_dict(),
    }


def _requests(state: State, request: Request) -> dict[str, Any]:
    return {"requests": state.traffic.requests()}


def _destinations(state: State, request: Request) -> dict[str, Any]:
    return {"destinations": state.console_destinations()}


def _config(state: State, request: Request) -> dict[str, Any]:
    try:
        state.configure(**request.json())
    except ValueError as error:
        raise ApiError(400, None, str(error)) from None
    return {"controls": state.controls.to_dict()}


def _reset(state: State, request: Request) -> dict[str, Any]:
    state.traffic.reset()
    return {}


def _decide(approve: bool) -> Callable[[State, Request], dict[str, Any]]:
    def decide(state: State, request: Request) -> dict[str, Any]:
        body = request.json()
        user_code = body.get("userCode")
        if not isinstance(user_code, str):
            raise ApiError(400, None, "userCode is required")
        try:
            state.decide(user_code, approve, body.get("user") if approve else None)
        except LookupError as error:
            raise ApiError(404, None, str(error)) from None
        return {"userCode": user_code, "status": "approved" if approve else "denied"}

    return decide


def _expire(state: State, request: Request) -> dict[str, Any]:
    what = request.json().get("what")
    try:
        state.expire_now(str(what))
    except ValueError as error:
        raise ApiError(400, None, str(error)) from None
    return {"expired": what}


ROUTES: dict[tuple[str, str], Callable[[State, Request], dict[str, Any]]] = {
    ("GET", "/_emu/state"): _snapshot,
    ("GET", "/_emu/requests"): _requests,
    ("GET", "/_emu/destinations"): _destinations,
    ("POST", "/_emu/config"): _config,
    ("POST", "/_emu/reset"): _reset,
    ("POST", "/_emu/approve"): _decide(True),
    ("POST", "/_emu/deny"): _decide(False),
    ("POST", "/_emu/expire"): _expire,
}


def handle(state: State, request: Request) -> Reply:
    route = ROUTES.get((request.method, request.path))
    if route is None:
        return json_reply({"message": f"No control route {request.method} {request.path}"}, 404)
    try:
        return json_reply(route(state, request))
    except ApiError as error:
        return json_reply({"message": error.message}, error.status)
