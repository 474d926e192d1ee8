"""The loopback listener that receives the browser's redirect in the PKCE flow."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>ssodeck</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h2>{title}</h2><p>{text}</p></body></html>"
)


class LoopbackRedirect:
    """Listen on 127.0.0.1 (a random port) for ``/oauth/callback`` and keep its query."""

    def __init__(self) -> None:
        self._result: dict[str, str] | None = None
        self._done = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                url = urlparse(self.path)
                if url.path != "/oauth/callback":
                    self.send_error(404)
                    return
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                ok = "code" in query and "error" not in query
                body = PAGE.format(
                    title="Signed in" if ok else "Sign-in failed",
                    text="You can close this tab and return to the terminal." if ok else "Return to the terminal for details.",
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                if not owner._done.is_set():
                    owner._result = query
                    owner._done.set()

            def log_message(self, *args: object) -> None:  # the query holds a code: never log it
                return

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._server.timeout = 10
        self._thread = threading.Thread(target=self._server.serve_forever, name="ssodeck-loopback", daemon=True)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/oauth/callback"

    def __enter__(self) -> LoopbackRedirect:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> dict[str, str] | None:
        self._done.wait(timeout)
        return self._result
