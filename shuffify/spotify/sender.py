"""The HTTP layer under the Spotify client: pooled connections, retries, rate limits.

One urllib3 PoolManager for the process (thread-safe, keep-alive, connect
and read timeouts). urllib3 rather than spotipy: spotipy writes tokens to a
`.cache` file, sleeps through any Retry-After inside the call and logs the
bearer token at DEBUG; requests would add three more packages for nothing we
use. urllib3's own retries are off: this module decides. urllib3 is imported
with the first call, not at startup (its import was a quarter of the start).

- 5xx and network errors are retried with full-jitter backoff, but only for
  calls that are safe to repeat (`safe=True`); a repeated POST of items would
  add them twice.
- 429 is retried after Retry-After when that is within the caller's
  `max_wait_s` (a web request can wait a second or two, a background run
  longer); otherwise RateLimited is raised at once with the wait.
- Nothing is logged but the method, the path and the status: never a header,
  a query string or a body.
"""

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from shuffify.spotify.errors import RateLimited, Unavailable

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 15
ATTEMPTS = 3  # for 5xx and network errors, on safe calls
BACKOFF_BASE_S = 0.25
DEFAULT_RETRY_AFTER_S = 1
MAX_RATE_LIMIT_WAITS = 3
MAX_RETRY_AFTER_S = 999_999_999  # a longer Retry-After is read as this


@dataclass(frozen=True)
class Reply:
    status: int
    data: object  # the JSON body, or None when it had none
    retry_after_s: int = DEFAULT_RETRY_AFTER_S


class Sender:
    """Sends requests to Spotify over one connection pool."""

    def __init__(self, pool_size: int = 10):
        self.pool_size = pool_size
        self._pool = None
        self._lock = threading.Lock()

    def _connections(self):
        with self._lock:
            if self._pool is None:
                import urllib3

                self._pool = urllib3.PoolManager(
                    num_pools=4,
                    maxsize=self.pool_size,
                    timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S),
                    retries=False,
                )
            return self._pool

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: dict,
        body: bytes | None = None,
        safe: bool,
        max_wait_s: float,
        observe: Callable[[int], None] = lambda status: None,
    ) -> Reply:
        """One call, retried as the module docstring says; any status is returned.

        observe(status) hears of every HTTP exchange, retries included (0: no answer).
        """
        failures = rate_limits = 0
        while True:
            reply = self._attempt(method, url, headers, body)
            observe(0 if reply is None else reply.status)
            if reply is not None and reply.status == 429:
                rate_limits += 1
                self._wait_for_rate_limit(reply, max_wait_s, rate_limits)
                continue
            if reply is not None and reply.status < 500:
                return reply
            failures += 1
            if not safe or failures >= ATTEMPTS:
                raise Unavailable()
            time.sleep(random.uniform(0, BACKOFF_BASE_S * 2**failures))

    def _attempt(self, method: str, url: str, headers: dict, body: bytes | None) -> Reply | None:
        """One HTTP exchange; None on a network error."""
        started = time.monotonic()
        from urllib3.exceptions import HTTPError

        try:
            response = self._connections().request(method, url, headers=headers, body=body)
        except HTTPError as error:
            log.warning("spotify %s %s: %s", method, _path(url), type(error).__name__)
            return None
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug("spotify %s %s -> %s (%.0f ms)", method, _path(url), response.status, elapsed_ms)
        return Reply(response.status, _json(response), _retry_after(response))

    @staticmethod
    def _wait_for_rate_limit(reply: Reply, max_wait_s: float, seen: int) -> None:
        wait = reply.retry_after_s
        if wait > max_wait_s or seen > MAX_RATE_LIMIT_WAITS:
            raise RateLimited(wait, reply.data)
        time.sleep(wait)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.clear()


def _json(response) -> object:
    if not response.data:
        return None
    try:
        return json.loads(response.data)
    except ValueError:
        return None


def _retry_after(response) -> int:
    raw = response.headers.get("Retry-After", "")
    if not (raw.isascii() and raw.isdigit()):
        return DEFAULT_RETRY_AFTER_S
    return int(raw) if len(raw) <= 9 else MAX_RETRY_AFTER_S  # int() refuses 4,301 digits


def _path(url: str) -> str:
    """The path alone: query strings stay out of the log."""
    return urlsplit(url).path
