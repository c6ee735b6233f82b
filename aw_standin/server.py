"""The HTTP server: reads requests, applies latency and faults, logs, and writes answers."""

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import control, demo, faults, routes
from .exchange import Request, Response, parse_params
from .records import Client
from .state import Config, State

MAX_LINE = 65536


def _as_dict(pairs: list[tuple[str, str]]) -> dict:
    """Names as sent; a repeated name keeps every value, as a list."""
    found: dict = {}
    for name, value in pairs:
        if name in found:
            previous = found[name]
            found[name] = previous + [value] if isinstance(previous, list) else [previous, value]
        else:
            found[name] = value
    return found


def _refuse_constant(literal: str) -> None:
    raise ValueError(literal)


def _log_entry(request: Request, raw_query: str) -> dict:
    text = request.body.decode("utf-8", "replace")
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant) if text.strip() else None
    except ValueError:
        parsed = None
    return {
        "method": request.method,
        "path": request.path,
        "query": _as_dict(parse_qsl(raw_query, keep_blank_values=True)),
        "headers": dict(request.headers.items()),
        "body": text,
        "json": parsed,
        "form": _as_dict(parse_qsl(text, keep_blank_values=True)) if request.is_form else None,
        "status": None,
        "connection": request.connection_id,
        # When the request arrived (seconds since the epoch), so tests can see how calls were spaced.
        "received_at": time.time(),
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can prove they pool connections
    timeout = 120  # seconds an idle kept-alive connection may linger
    # Headers and body go out in two writes; with Nagle's algorithm the body waits for the client's
    # delayed ACK, adding ~40 ms to every answer, which no real API server does.
    disable_nagle_algorithm = True
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        state = self.server.state
        with state.lock:
            self.connection_id = state.new_connection_id()
        self.counted_epoch: int | None = None
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.forget(self.connection)

    def version_string(self) -> str:
        return "AdultWork-StandIn"

    def log_message(self, format: str, *args: object) -> None:
        """Silent: GET /_standin/requests is the access log."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while size := int(self.rfile.readline(MAX_LINE).split(b";")[0].strip(), 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline(MAX_LINE)
            while self.rfile.readline(MAX_LINE).strip():
                pass  # trailers
            return b"".join(chunks)
        length = (self.headers.get("Content-Length") or "0").strip()
        if not (length.isascii() and length.isdigit()):
            raise ValueError("bad Content-Length")
        return self.rfile.read(int(length))

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(Response(400, b"The request body could not be read.", "text/plain; charset=utf-8"))
            return
        target = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(target.path),
            target=self.path,
            query=parse_params(target.query),
            headers=self.headers,
            body=body,
            connection_id=self.connection_id,
        )
        state = self.server.state
        if control.is_control(request.path):
            with state.lock:
                response = control.handle(state, request)
            self._send(response)
            return
        entry, rule, latency = self._admit(request, target.query)
        epoch = state.epoch

        def run_handler() -> Response:
            with state.lock:
                # A request still queued (late fault, latency) when a test reset the world belongs to
                # the world before: it must not create an album in the next test's.
                if state.epoch != epoch:
                    return Response(503, b'{"Message":"The stand-in was reset."}', "application/json; charset=utf-8")
                return routes.handle(state, request)

        if latency:
            time.sleep(latency)
        answer = run_handler() if rule is None else faults.answer(rule, run_handler)
        with state.lock:
            entry["status"] = answer.status if answer is not None else None
        if answer is None:
            self.close_connection = True
            return
        self._send(answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def _admit(self, request: Request, raw_query: str) -> tuple[dict, faults.FaultRule | None, float]:
        """Log and count an API or OAuth request; say which fault answers it and how long to wait."""
        state = self.server.state
        with state.lock:
            entry = _log_entry(request, raw_query)
            state.log.append(entry)
            state.stats.requests += 1
            # Counted on first API use rather than at accept, so connections that
            # only carry control calls stay out of the figures.
            if self.counted_epoch != state.epoch:
                self.counted_epoch = state.epoch
                state.stats.connections_opened += 1
            rule = state.faults.pick(request.method, request.path)
            latency = state.config.latency if routes.is_delayed(request.path) else 0.0
        return entry, rule, latency

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: State) -> None:
        self.state = state
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)

    def forget(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_open_connections(self) -> None:
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):  # already closed by the client
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (short read timeout against a slow fault) is expected.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _startup_clients(extra: Iterable[Client]) -> dict[str, Client]:
    clients = {demo.DEMO_CLIENT.client_id: demo.DEMO_CLIENT}
    for client in extra:
        known = clients.get(client.client_id)
        uris = (known.redirect_uris if known else []) + client.redirect_uris
        clients[client.client_id] = Client(client.client_id, client.secret, list(dict.fromkeys(uris)))
    return clients


class StandIn:
    """The stand-in in a background thread, for tests in this process."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        access_token_lifetime: int = 1200,
        latency: float = 0.0,
        require_pkce: bool = False,
        login_url: str | None = None,
        clients: Iterable[Client] = (),
    ) -> None:
        defaults = Config(
            latency=latency, access_token_lifetime=access_token_lifetime, require_pkce=require_pkce, login_url=login_url
        )
        self.state = State(defaults, _startup_clients(clients))
        self._server = _Server((host, port), self.state)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="aw-standin", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.close_open_connections()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> "StandIn":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
