"""A user's view of the Web API: bearer token, one refresh after a 401, paging, errors.

A Spotify object is built per request (or per background run) around a
TokenSource, which knows how to get the user's current access token and how
to refresh it. The API-area modules call get(), send() and pages() on it.
"""

import json
from collections.abc import Callable, Iterator
from typing import Protocol
from urllib.parse import urlencode, urlsplit

from shuffify.spotify.cache import NoCache, UserItemsCache
from shuffify.spotify.errors import (
    Forbidden,
    ForeignPage,
    NotFound,
    RateLimited,
    SpotifyError,
    Unauthorized,
)
from shuffify.spotify.sender import Reply, Sender

WEB_MAX_WAIT_S = 2.0  # a web request waits at most this long for a rate limit
DEFAULT_PORTS = {"http": 80, "https": 443}


class Gate(Protocol):
    """Asked before every call and told after it (shuffify.limits.gate counts and pauses)."""

    def before_call(self) -> None:
        """Raise instead of calling when calls are paused."""

    def observed(self, status: int) -> None:
        """One HTTP exchange happened, with this status (0: no answer)."""

    def rate_limited(self, error: RateLimited) -> RateLimited:
        """The error to raise for a rate limit the caller cannot wait out."""


class OpenGate:
    """No pause, no count: for tools and tests that talk to Spotify directly."""

    def before_call(self) -> None:
        return None

    def observed(self, status: int) -> None:
        return None

    def rate_limited(self, error: RateLimited) -> RateLimited:
        return error


class TokenSource(Protocol):
    def access_token(self) -> str:
        """A current access token, refreshed first when about to expire."""

    def refresh(self, rejected: str) -> str:
        """A new access token after Spotify refused `rejected` with 401."""


class Spotify:
    """Calls the Web API as one user."""

    def __init__(
        self,
        sender: Sender,
        api_url: str,
        tokens: TokenSource,
        max_wait_s: float = WEB_MAX_WAIT_S,
        cache: UserItemsCache | NoCache | None = None,
        before_wait: Callable[[], None] = lambda: None,
        gate: Gate | None = None,
    ):
        self.sender = sender
        self.api_url = api_url
        self.tokens = tokens
        self.max_wait_s = max_wait_s
        self.cache = cache or NoCache()
        self.before_wait = before_wait  # e.g. return the database connection to its pool
        self.gate = gate or OpenGate()  # the deployment's pause and call count

    def get(self, path: str, params: dict | None = None) -> dict:
        url = f"{self.api_url}{path}" + (f"?{urlencode(params)}" if params else "")
        return self._call("GET", url, None, safe=True)

    def send(self, method: str, path: str, body: dict, *, safe: bool) -> dict:
        """A write; `safe` when repeating it changes nothing (a replace, a removal)."""
        return self._call(method, f"{self.api_url}{path}", body, safe=safe)

    def pages(self, path: str, params: dict) -> Iterator[dict]:
        """Every item of a paged listing, following `next` to the end.

        `next` is followed only on the API's own scheme, host and port: the
        bearer token goes with it, and a page may say anything.
        """
        page = self.get(path, params)
        while True:
            yield from page.get("items") or []
            next_url = page.get("next")
            if not next_url:
                return
            home = origin(self.api_url)
            if home is None or origin(next_url) != home:
                raise ForeignPage()
            page = self._call("GET", next_url, None, safe=True)

    def _call(self, method: str, url: str, body: dict | None, *, safe: bool) -> dict:
        token = self.tokens.access_token()
        reply = self._send(method, url, body, token, safe)
        if reply.status == 401:
            reply = self._send(method, url, body, self.tokens.refresh(token), safe)
        return checked(reply)

    def _send(self, method: str, url: str, body: dict | None, token: str, safe: bool) -> Reply:
        self.gate.before_call()
        self.before_wait()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            payload = json.dumps(body).encode()
        try:
            return self.sender.send(
                method,
                url,
                headers=headers,
                body=payload,
                safe=safe,
                max_wait_s=self.max_wait_s,
                observe=self.gate.observed,
            )
        except RateLimited as limited:
            raise self.gate.rate_limited(limited) from None


def origin(url: object) -> tuple | None:
    """(scheme, host, port) of an absolute http(s) URL, or None for anything else."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a broken host or port
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port


def checked(reply: Reply) -> dict:
    """The reply's JSON object, or the SpotifyError its status means."""
    if reply.status < 400:
        return reply.data if isinstance(reply.data, dict) else {}
    message = _error_message(reply.data)
    if reply.status == 401:
        raise Unauthorized()
    if reply.status == 403:
        raise Forbidden(f"Spotify refused this: {message}" if message else Forbidden().message)
    if reply.status == 404:
        raise NotFound()
    raise SpotifyError(reply.status, f"Spotify answered {reply.status}: {message or 'an error'}")


def _error_message(data: object) -> str:
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return str(data["error"].get("message") or "")[:200]
    return ""
