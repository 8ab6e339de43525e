"""Serving the app with waitress, and stopping it gracefully.

In a container the process is PID 1 and SIGTERM is the request to stop. On
SIGTERM or SIGINT, or when `stopping` is set, it stops accepting connections,
lets in-flight requests finish and their responses go out (for at most
DRAIN_S), then stops waitress's threads and returns.

/health has a lane of its own: HEALTH_THREADS threads that serve nothing
else. Every other request may wait hundreds of milliseconds on Spotify, and
a handful of them would otherwise hold every request thread while /health
queued behind them, until Docker restarted a healthy container.

What waitress refuses before the app sees it (a body over its limit, a
malformed request) answers the app's one JSON error shape too, not
waitress's plain text. Its limit is the most any route reads (an import);
each route refuses more than it takes itself (512 KiB for most), so a body
over a route's limit is a JSON 413 at every size.
"""

import json
import signal
import threading
import time

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from shuffify.web.app import SECURITY_HEADERS

DRAIN_S = 5
POLL_S = 0.25  # how soon a stop request is noticed
# The most any route reads: an import's form, exports.MAX_IMPORT_BYTES plus the
# routes' MULTIPART_SLACK (written out, not imported: those modules load with the
# first route, after startup; tests/web/test_body_limit.py keeps the sum equal).
LARGEST_BODY = 8 * 1024 * 1024 + 64 * 1024
# waitress refuses a body of this length or more (a chunked one counting its framing).
MAX_REQUEST_BODY_BYTES = LARGEST_BODY + 1
TOO_LARGE = f"request body over {LARGEST_BODY} bytes, the most any route takes"
HEALTH_THREADS = 2
HEALTH_PATH = "/health"


def serve(app, host: str, port: int, threads: int, stopping: threading.Event) -> None:
    """Serve until a signal or `stopping`; raises OSError if the port cannot be bound."""
    server = waitress.create_server(
        app, host=host, port=port, threads=threads, max_request_body_size=MAX_REQUEST_BODY_BYTES
    )
    server.channel_class = JsonErrorChannel
    health_lane = _give_health_its_own_lane(server)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    server.print_listen("Serving on http://{}:{}")
    channels = server.map if hasattr(server, "map") else server._map
    while not stopping.is_set():
        wasyncore.loop(timeout=POLL_S, map=channels, count=1)
    _drain(server, channels)
    health_lane.shutdown(cancel_pending=True, timeout=1)


class JsonErrorTask(ErrorTask):
    """waitress's own refusals in the app's JSON error shape, with its headers."""

    def execute(self):
        error = self.request.error
        message = TOO_LARGE if error.code == 413 else error.body
        body = json.dumps({"error": {"status": error.code, "message": message}}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend(
            [
                ("Content-Type", "application/json"),
                ("Cache-Control", "no-store"),
                *SECURITY_HEADERS.items(),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Parser(HTTPRequestParser):
    def parse_header(self, header_plus):
        try:
            super().parse_header(header_plus)
        except ValueError:  # int() of a Content-Length of 4,301 digits: no answer at all
            raise ParsingError("Content-Length is invalid") from None


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask
    parser_class = Parser


def _give_health_its_own_lane(server) -> ThreadedTaskDispatcher:
    """Route /health requests to their own threads; the rest to waitress's pool."""
    lane = ThreadedTaskDispatcher()
    lane.set_thread_count(HEALTH_THREADS)

    def add_task(channel) -> None:
        request = channel.requests[0] if channel.requests else None
        if request is not None and request.path == HEALTH_PATH:
            lane.add_task(channel)
        else:
            server.task_dispatcher.add_task(channel)

    server.add_task = add_task  # waitress's channels hand their work to server.add_task
    return lane


def _drain(server, channels: dict) -> None:
    for listener in [c for c in channels.values() if isinstance(c, BaseWSGIServer)]:
        wasyncore.dispatcher.close(listener)  # stop accepting; keep waitress's trigger
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and _busy(channels):
        wasyncore.loop(timeout=0.05, map=channels, count=1)
    server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
    wasyncore.close_all(channels)


def _busy(channels: dict) -> bool:
    """True while a connection has a request in progress or a response to send."""
    return any(
        isinstance(c, HTTPChannel) and (c.requests or c.request or c.total_outbufs_len)
        for c in list(channels.values())
    )
