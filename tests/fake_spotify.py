"""A fake Spotify (Accounts service and Web API) served over real HTTP on a loopback port.

Shuffify's tests, `make demo` and the benchmark drive the real app, HTTP client included,
against it instead of Spotify: no network, no real accounts, and behaviour the real service
only shows now and then (expired and revoked tokens, rotated refresh tokens, 429 with
Retry-After, 5xx, dropped connections, slow answers) on demand. It follows the Development
Mode API described in /work/shared/reference/spotify-web-api.md and is stricter than Spotify
where that catches client bugs (a stale snapshot_id is refused). Standard library only.
"""

import base64
import contextlib
import hashlib
import json
import re
import secrets
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MAX_URIS_PER_REQUEST = 100
# Refresh tokens end six months after the sign-in that gave them; refreshing does not extend them.
REFRESH_TOKEN_LIFETIME = timedelta(days=183)
POLL_INTERVAL_S = 0.05


@dataclass(frozen=True)
class Call:
    """One request the fake received, in arrival order; status 0 means the connection dropped."""

    method: str
    path: str
    query: dict[str, str]
    status: int


@dataclass
class _Reply:
    status: int
    body: dict | str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        if self.status == 0:
            handler.close_connection = True
            return
        payload = b"" if self.body is None else _encode(self.body)
        handler.send_response(self.status)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        if self.body is not None:
            handler.send_header("Content-Type", _content_type(self.body))
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


class _Refusal(Exception):
    """Raised by an endpoint to answer with an error reply."""

    def __init__(self, reply: _Reply):
        super().__init__(reply.status)
        self.reply = reply


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    user: str | None = None

    @classmethod
    def read(cls, handler: BaseHTTPRequestHandler) -> "_Request":
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        return cls(
            method=handler.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=handler.rfile.read(length),
        )


@dataclass
class _Grant:
    user: str
    scope: str
    expired: bool = False
    authorized_at: datetime | None = None  # refresh tokens: the sign-in that gave them


@dataclass
class _Code:
    user: str
    redirect_uri: str
    code_challenge: str | None
    scope: str


@dataclass
class _FailureRule:
    method: str
    path_pattern: str
    status: int
    remaining: int
    retry_after: int | None
    body: dict | None
    skip: int = 0  # matching requests let through before the failures start

    def matches(self, request: _Request) -> bool:
        same_method = self.method.upper() == request.method
        return same_method and re.search(self.path_pattern, request.path) is not None

    def reply(self) -> _Reply:
        if self.status == 0:
            return _Reply(0)
        headers = {}
        if self.status == 429 or self.retry_after is not None:
            headers["Retry-After"] = str(30 if self.retry_after is None else self.retry_after)
        body = self.body
        if body is None:
            body = _error_body(self.status, HTTPStatus(self.status).phrase)
        return _Reply(self.status, body, headers)


@dataclass
class Hold:
    """A request the fake keeps unanswered until the test lets it through or drops it."""

    method_pattern: str
    path_pattern: str
    skip: int
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    dropped: bool = False

    def matches(self, request: "_Request") -> bool:
        return bool(
            re.fullmatch(self.method_pattern, request.method)
            and re.search(self.path_pattern, request.path)
        )

    def release(self) -> None:
        """Let the held request through: applied and answered."""
        self.released.set()

    def drop(self) -> None:
        """Drop the held request unanswered and unapplied (its sender is gone)."""
        self.dropped = True
        self.released.set()


@dataclass
class _Entry:
    item: dict | None
    added_by: str
    added_at: str

    @property
    def uri(self) -> str | None:
        return None if self.item is None else self.item["uri"]


@dataclass
class _Playlist:
    id: str
    owner: str
    name: str
    description: str
    public: bool
    collaborative: bool
    collaborators: set[str]
    followers: set[str]
    entries: list[_Entry]
    image_url: str
    snapshot_id: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def can_edit(self, user: str | None) -> bool:
        return user == self.owner or user in self.collaborators

    def is_listed_for(self, user: str | None) -> bool:
        return self.can_edit(user) or user in self.followers


class _Server(ThreadingHTTPServer):
    """Tracks each connection and its thread so stop() can close them and join the threads."""

    daemon_threads = True

    def __init__(self, fake: "FakeSpotify"):
        self.fake = fake
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request, client_address):
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            daemon=self.daemon_threads,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections.items())
        for sock, thread in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            thread.join()

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):  # a client gone away is not an error
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for
    # the client's delayed ACK, 40 ms a call.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self):
        self.server.fake._serve(self)

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format, *args):
        """Quiet: the tests' output is no place for an access log."""


class FakeSpotify:
    """Spotify's Accounts service under /accounts and Web API under /v1, one lock for all state."""

    port: int

    def __init__(
        self,
        delay_s: float = 0.0,
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",
        token_lifetime_s: int = 3600,
    ):
        self.delay_s = delay_s
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime_s = token_lifetime_s
        self.clock = lambda: datetime.now(UTC).replace(tzinfo=None)  # naive UTC; tests move it
        self.rotate_refresh_tokens = False
        self.next_login: str | None = None
        self.deny_next_login = False
        self.last_authorize_query: dict[str, str] | None = None
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._users: dict[str, dict] = {}
        self._catalog: dict[str, dict] = {}
        self._playlists: dict[str, _Playlist] = {}
        self._codes: dict[str, _Code] = {}
        self._access_tokens: dict[str, _Grant] = {}
        self._refresh_tokens: dict[str, _Grant] = {}
        self._issued: set[str] = set()
        self._failures: list[_FailureRule] = []
        self._holds: list[Hold] = []
        self._liked: dict[str, list[_Entry]] = {}  # user -> Liked Songs, newest first
        self._routes = [
            ("GET", r"/accounts/authorize", self._authorize),
            ("POST", r"/accounts/api/token", self._token),
            ("GET", r"/v1/me", self._me),
            ("GET", r"/v1/me/playlists", self._my_playlists),
            ("GET", r"/v1/me/tracks", self._liked_songs),
            ("POST", r"/v1/me/playlists", self._create_playlist),
            ("GET", r"/v1/playlists/([^/]+)", self._playlist),
            (None, r"/v1/playlists/[^/]+/tracks", self._old_tracks_endpoint),
            ("GET", r"/v1/playlists/([^/]+)/items", self._get_items),
            ("POST", r"/v1/playlists/([^/]+)/items", self._add_items),
            ("PUT", r"/v1/playlists/([^/]+)/items", self._replace_or_move_items),
            ("DELETE", r"/v1/playlists/([^/]+)/items", self._remove_items),
            ("GET", r"/v1/search", self._search),
        ]

    # --- lifecycle ---

    def start(self) -> "FakeSpotify":
        self._stopping.clear()
        self._server = _Server(self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_S},
            name=f"fake-spotify-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for hold in self._holds:
            hold.drop()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> "FakeSpotify":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def accounts_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/accounts"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # --- data ---

    def add_user(
        self, spotify_id: str, display_name: str | None = None, image_url: str | None = None
    ) -> None:
        images = [{"url": image_url}] if image_url else []
        with self._lock:
            self._users[spotify_id] = {
                "id": spotify_id,
                "display_name": display_name,
                "images": images,
            }

    def track(
        self,
        name: str | None = None,
        artists: tuple[str, ...] = ("Artist",),
        album: str = "Album",
        duration_ms: int = 200000,
        track_id: str | None = None,
        release_date: str | None = "2001-05-14",
        explicit: bool | None = None,
    ) -> dict:
        """A catalogue track; release_date None gives an album without one; explicit None
        makes about one track in four explicit (by its id, so the same id keeps its flag)."""
        track_id = track_id or _random_id()
        if explicit is None:
            explicit = hashlib.sha256(track_id.encode()).digest()[0] % 4 == 0
        album_id = _derived_id("album", album)
        album_object = {"id": album_id, "name": album, "images": [{"url": _image_url(album_id)}]}
        if release_date is not None:
            album_object["release_date"] = release_date
            album_object["release_date_precision"] = _precision(release_date)
        return {
            "type": "track",
            "id": track_id,
            "uri": f"spotify:track:{track_id}",
            "name": name or f"Track {track_id[:6]}",
            "artists": [_artist(artist) for artist in artists],
            "album": album_object,
            "duration_ms": duration_ms,
            "explicit": explicit,
            "is_local": False,
        }

    def episode(
        self, name: str | None = None, show: str = "Show", duration_ms: int = 1800000
    ) -> dict:
        episode_id = _random_id()
        return {
            "type": "episode",
            "id": episode_id,
            "uri": f"spotify:episode:{episode_id}",
            "name": name or f"Episode {episode_id[:6]}",
            "show": {"id": _derived_id("show", show), "name": show},
            "images": [{"url": _image_url(episode_id)}],
            "duration_ms": duration_ms,
        }

    def local(
        self,
        name: str = "Local Song",
        artist: str = "Local Artist",
        album: str = "Local Album",
        duration_ms: int = 200000,
    ) -> dict:
        parts = [quote_plus(part) for part in (artist, album, name)]
        return {
            "type": "track",
            "id": None,
            "uri": f"spotify:local:{':'.join(parts)}:{duration_ms // 1000}",
            "name": name,
            "artists": [{"id": None, "name": artist, "uri": None}],
            "album": {"id": None, "name": album, "images": []},
            "duration_ms": duration_ms,
            "explicit": False,
            "is_local": True,
        }

    def catalog_add(self, *items: dict) -> None:
        with self._lock:
            for item in items:
                self._catalog[item["uri"]] = item

    def add_playlist(
        self,
        owner_id: str,
        name: str,
        items: Sequence[dict] = (),
        collaborative: bool = False,
        collaborators: tuple[str, ...] = (),
        followers: tuple[str, ...] = (),
        public: bool = False,
        description: str = "",
        playlist_id: str | None = None,
    ) -> str:
        self.catalog_add(*(item for item in items if item["id"] is not None))
        playlist = _Playlist(
            id=playlist_id or _random_id(),
            owner=owner_id,
            name=name,
            description=description,
            public=public,
            collaborative=collaborative,
            collaborators=set(collaborators),
            followers=set(followers),
            entries=[_Entry(item, owner_id, stamp) for stamp in [_now()] for item in items],
            image_url=f"https://mosaic.scdn.co/640/{secrets.token_hex(20)}",
        )
        with self._lock:
            self._playlists[playlist.id] = playlist
        return playlist.id

    def append_items(self, playlist_id: str, items: Sequence[dict]) -> None:
        """Append items as the owner's other Spotify client (Spotify's app) would."""
        self.catalog_add(*(item for item in items if item["id"] is not None))
        stamp = _now()
        with self._lock:
            playlist = self._playlists[playlist_id]
            playlist.entries.extend(_Entry(item, playlist.owner, stamp) for item in items)
            playlist.snapshot_id = secrets.token_urlsafe(24)

    def add_unavailable(self, playlist_id: str) -> None:
        """Append an entry whose item Spotify can no longer serve (it answers `item: null`)."""
        with self._lock:
            playlist = self._playlists[playlist_id]
            playlist.entries.append(_Entry(None, playlist.owner, _now()))
            playlist.snapshot_id = secrets.token_urlsafe(24)

    def like(self, spotify_id: str, items: Sequence[dict], added_at: str | None = None) -> None:
        """Add items to the user's Liked Songs (newest first, as Spotify lists them)."""
        self.catalog_add(*items)
        stamp = added_at or _now()
        with self._lock:
            liked = self._liked.setdefault(spotify_id, [])
            liked[:0] = [_Entry(item, spotify_id, stamp) for item in reversed(items)]

    def drop_scope(self, spotify_id: str, scope: str) -> None:
        """The user's grants lose a scope, as a sign-in from before it was asked for."""
        with self._lock:
            for grant in [*self._access_tokens.values(), *self._refresh_tokens.values()]:
                if grant.user == spotify_id:
                    grant.scope = " ".join(s for s in grant.scope.split() if s != scope)

    def playlist_uris(self, playlist_id: str) -> list[str | None]:
        with self._lock:
            return [entry.uri for entry in self._playlists[playlist_id].entries]

    def added(self, playlist_id: str) -> list[tuple[str | None, str, str]]:
        """(uri, added_at, added_by) of each entry, in playlist order."""
        with self._lock:
            entries = self._playlists[playlist_id].entries
            return [(entry.uri, entry.added_at, entry.added_by) for entry in entries]

    def details(self, playlist_id: str) -> dict:
        """The playlist's owner, name, description and whether it is public."""
        with self._lock:
            playlist = self._playlists[playlist_id]
            return {
                "owner": playlist.owner,
                "name": playlist.name,
                "description": playlist.description,
                "public": playlist.public,
            }

    def snapshot_id(self, playlist_id: str) -> str:
        with self._lock:
            return self._playlists[playlist_id].snapshot_id

    def delete_playlist(self, playlist_id: str) -> None:
        with self._lock:
            del self._playlists[playlist_id]

    # --- auth control ---

    def expire_access_tokens(self) -> None:
        with self._lock:
            for grant in self._access_tokens.values():
                grant.expired = True

    def revoke(self, spotify_id: str) -> None:
        with self._lock:
            for tokens in (self._access_tokens, self._refresh_tokens):
                for token in [t for t, grant in tokens.items() if grant.user == spotify_id]:
                    del tokens[token]

    def issued_secrets(self) -> set[str]:
        with self._lock:
            return set(self._issued)

    # --- failure injection and counting ---

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        status: int = 500,
        count: int = 1,
        retry_after: int | None = None,
        body: dict | None = None,
        skip: int = 0,
    ) -> None:
        """After `skip` matching requests, the next `count` answer `status` (0: the
        connection drops)."""
        rule = _FailureRule(method, path_pattern, status, count, retry_after, body, skip)
        with self._lock:
            self._failures.append(rule)

    def hold_next(self, method_pattern: str, path_pattern: str, skip: int = 0) -> Hold:
        """After `skip` matching requests, hold the next one unanswered until released:
        the moment to kill the process that sent it (a crash before that call landed)."""
        hold = Hold(method_pattern, path_pattern, skip)
        with self._lock:
            self._holds.append(hold)
        return hold

    def count(self, method: str | None = None, path_pattern: str | None = None) -> int:
        with self._lock:
            return sum(
                (method is None or call.method == method.upper())
                and (path_pattern is None or re.search(path_pattern, call.path) is not None)
                for call in self.calls
            )

    def reset_calls(self) -> None:
        with self._lock:
            self.calls.clear()

    # --- serving ---

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        request = _Request.read(handler)
        hold = self._take_hold(request)
        if hold is not None:
            hold.reached.set()
            hold.released.wait()
            if hold.dropped or self._stopping.is_set():
                handler.close_connection = True
                return
        self._stopping.wait(self.delay_s)
        with self._lock:
            reply = self._answer(request)
            self.calls.append(Call(request.method, request.path, request.query, reply.status))
        reply.send(handler)

    def _take_hold(self, request: _Request) -> Hold | None:
        with self._lock:
            hold = next((hold for hold in self._holds if hold.matches(request)), None)
            if hold is not None and hold.skip > 0:
                hold.skip -= 1
                return None
            if hold is not None:
                self._holds.remove(hold)
            return hold

    def _answer(self, request: _Request) -> _Reply:
        rule = next((rule for rule in self._failures if rule.matches(request)), None)
        if rule is not None and rule.skip > 0:
            rule.skip -= 1
            rule = None
        if rule is not None:
            rule.remaining -= 1
            if rule.remaining <= 0:
                self._failures.remove(rule)
            return rule.reply()
        try:
            return self._route(request)
        except _Refusal as refusal:
            return refusal.reply

    def _route(self, request: _Request) -> _Reply:
        if request.path.startswith("/v1/"):
            request.user = self._authenticate(request)
        for method, pattern, endpoint in self._routes:
            match = re.fullmatch(pattern, request.path)
            if match and method in (None, request.method):
                return endpoint(request, *match.groups())
        raise _api_error(404, "Service not found")

    # --- accounts service ---

    def _authorize(self, request: _Request) -> _Reply:
        query = request.query
        self.last_authorize_query = dict(query)
        if query.get("client_id") != self.client_id:
            return _Reply(400, "INVALID_CLIENT: Invalid client")
        if query.get("response_type") != "code":
            return _Reply(400, "unsupported_response_type")
        if not query.get("redirect_uri"):
            return _Reply(400, "INVALID_CLIENT: Invalid redirect URI")
        if "code_challenge" in query and query.get("code_challenge_method") != "S256":
            return _Reply(400, "code_challenge_method must be S256")
        user = self.next_login or next(iter(self._users), None)
        if user not in self._users:
            return _Reply(400, f"fake: no user {user!r} to sign in as")
        outcome = self._login_outcome(query, user)
        if "state" in query:
            outcome["state"] = query["state"]
        separator = "&" if "?" in query["redirect_uri"] else "?"
        location = query["redirect_uri"] + separator + urlencode(outcome)
        return _Reply(302, None, {"Location": location})

    def _login_outcome(self, query: dict[str, str], user: str) -> dict[str, str]:
        if self.deny_next_login:
            self.deny_next_login = False
            return {"error": "access_denied"}
        code = self._new_secret()
        self._codes[code] = _Code(
            user=user,
            redirect_uri=query["redirect_uri"],
            code_challenge=query.get("code_challenge"),
            scope=query.get("scope", ""),
        )
        return {"code": code}

    def _token(self, request: _Request) -> _Reply:
        credentials = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode())
        if request.headers.get("authorization") != f"Basic {credentials.decode()}":
            raise _oauth_error("invalid_client", "Invalid client")
        form = dict(parse_qsl(request.body.decode()))
        if form.get("grant_type") == "authorization_code":
            return self._exchange_code(form)
        if form.get("grant_type") == "refresh_token":
            return self._refresh(form)
        raise _oauth_error(
            "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"
        )

    def _exchange_code(self, form: dict[str, str]) -> _Reply:
        code = self._codes.pop(form.get("code", ""), None)  # any attempt uses the code up
        if code is None:
            raise _oauth_error("invalid_grant", "Invalid authorization code")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _oauth_error("invalid_grant", "Invalid redirect URI")
        verifier = form.get("code_verifier", "")
        if code.code_challenge and _pkce_challenge(verifier) != code.code_challenge:
            raise _oauth_error("invalid_grant", "code_verifier was incorrect")
        return self._issue_tokens(code.user, code.scope, True, self.clock())

    def _refresh(self, form: dict[str, str]) -> _Reply:
        refresh_token = form.get("refresh_token", "")
        grant = self._refresh_tokens.get(refresh_token)
        if grant is None:
            raise _oauth_error("invalid_grant", "Refresh token revoked")
        if self.clock() >= grant.authorized_at + REFRESH_TOKEN_LIFETIME:
            raise _oauth_error("invalid_grant", "Refresh token expired")
        if self.rotate_refresh_tokens:
            del self._refresh_tokens[refresh_token]
        return self._issue_tokens(
            grant.user, grant.scope, self.rotate_refresh_tokens, grant.authorized_at
        )

    def _issue_tokens(
        self, user: str, scope: str, with_refresh_token: bool, authorized_at: datetime | None
    ) -> _Reply:
        access_token = self._new_secret()
        self._access_tokens[access_token] = _Grant(user, scope)
        body = {
            "access_token": access_token,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.token_lifetime_s,
        }
        if with_refresh_token:
            body["refresh_token"] = self._new_secret()
            self._refresh_tokens[body["refresh_token"]] = _Grant(
                user, scope, authorized_at=authorized_at
            )
        return _Reply(200, body)

    def _new_secret(self) -> str:
        secret = secrets.token_urlsafe(32)
        self._issued.add(secret)
        return secret

    # --- web api ---

    def _authenticate(self, request: _Request) -> str:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        grant = self._access_tokens.get(token)
        if grant is None:
            raise _api_error(401, "Invalid access token")
        if grant.expired:
            raise _api_error(401, "The access token expired")
        return grant.user

    def _me(self, request: _Request) -> _Reply:
        user = self._users[request.user]
        return _Reply(200, {**user, "type": "user", "uri": f"spotify:user:{user['id']}"})

    def _liked_songs(self, request: _Request) -> _Reply:
        """GET /me/tracks: needs the user-library-read scope, pages of at most 50."""
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if "user-library-read" not in self._access_tokens[token].scope.split():
            raise _api_error(403, "Insufficient client scope")
        limit, offset = _limit_and_offset(request.query, default=20, maximum=50)
        saved = [
            {"added_at": entry.added_at, "track": entry.item}
            for entry in self._liked.get(request.user, [])
        ]
        return _Reply(200, self._page(request, saved, limit, offset))

    def _my_playlists(self, request: _Request) -> _Reply:
        limit, offset = _limit_and_offset(request.query, default=20, maximum=50)
        listed = [
            self._simplified(playlist)
            for playlist in self._playlists.values()
            if playlist.is_listed_for(request.user)
        ]
        return _Reply(200, self._page(request, listed, limit, offset))

    def _create_playlist(self, request: _Request) -> _Reply:
        body = _json_body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise _api_error(400, "Missing required field: name")
        playlist = _Playlist(
            id=_random_id(),
            owner=request.user,
            name=name,
            description=str(body.get("description") or ""),
            public=bool(body.get("public", True)),
            collaborative=bool(body.get("collaborative", False)),
            collaborators=set(),
            followers=set(),
            entries=[],
            image_url=f"https://mosaic.scdn.co/640/{secrets.token_hex(20)}",
        )
        self._playlists[playlist.id] = playlist
        return _Reply(201, self._simplified(playlist))

    def _playlist(self, request: _Request, playlist_id: str) -> _Reply:
        playlist = self._existing(playlist_id)
        body = self._simplified(playlist)
        body["followers"] = {"href": None, "total": len(playlist.followers)}
        if not playlist.can_edit(request.user):
            body["items"] = None
        return _Reply(200, body)

    def _old_tracks_endpoint(self, request: _Request) -> _Reply:
        raise _api_error(403, "Forbidden")

    def _get_items(self, request: _Request, playlist_id: str) -> _Reply:
        playlist = self._editable(playlist_id, request.user)
        limit, offset = _limit_and_offset(request.query, default=20, maximum=50)
        page = self._page(request, playlist.entries, limit, offset)
        page["items"] = [self._entry_object(entry) for entry in page["items"]]  # this page's only
        return _Reply(200, page)

    def _add_items(self, request: _Request, playlist_id: str) -> _Reply:
        playlist = self._editable(playlist_id, request.user)
        body = _json_body(request)
        new_entries = self._entries_for(body.get("uris"), request.user, minimum=1)
        position = body.get("position", len(playlist.entries))
        if not _is_int(position) or not 0 <= position <= len(playlist.entries):
            raise _api_error(400, "Index out of bounds")
        playlist.entries[position:position] = new_entries
        return _changed(playlist, 201)

    def _replace_or_move_items(self, request: _Request, playlist_id: str) -> _Reply:
        playlist = self._editable(playlist_id, request.user)
        body = _json_body(request)
        if "uris" in body and "range_start" in body:
            raise _api_error(400, "A replace and a reorder cannot be combined")
        if "uris" in body:
            playlist.entries = self._entries_for(body["uris"], request.user, minimum=0)
            return _changed(playlist, 200)
        if "range_start" in body:
            return self._move(playlist, body)
        raise _api_error(400, "Missing uris or range_start")

    def _move(self, playlist: _Playlist, body: dict) -> _Reply:
        _check_snapshot(playlist, body)
        start = _body_int(body, "range_start")
        length = _body_int(body, "range_length", 1)
        before = _body_int(body, "insert_before")
        size = len(playlist.entries)
        block_fits = start >= 0 and length >= 1 and start + length <= size
        if not block_fits or not 0 <= before <= size or start < before < start + length:
            raise _api_error(400, "Index out of bounds")
        playlist.entries = _moved(playlist.entries, start, length, before)
        return _changed(playlist, 200)

    def _remove_items(self, request: _Request, playlist_id: str) -> _Reply:
        playlist = self._editable(playlist_id, request.user)
        body = _json_body(request)
        _check_snapshot(playlist, body)
        items = body.get("items")
        _check_count(items, minimum=1, name="items")
        if not all(isinstance(item, dict) and isinstance(item.get("uri"), str) for item in items):
            raise _api_error(400, "Invalid uri")
        unwanted = {item["uri"] for item in items}
        playlist.entries = [entry for entry in playlist.entries if entry.uri not in unwanted]
        return _changed(playlist, 200)

    def _search(self, request: _Request) -> _Reply:
        query = request.query.get("q", "").lower()
        if not query:
            raise _api_error(400, "No search query")
        kinds = request.query.get("type", "").split(",")
        if not set(kinds) <= {"track", "playlist"}:
            raise _api_error(400, "Bad search type field")
        limit, offset = _limit_and_offset(request.query, default=5, maximum=10, max_offset=1000)
        found = {"track": self._matching_tracks, "playlist": self._matching_playlists}
        return _Reply(
            200,
            {f"{kind}s": self._page(request, found[kind](query), limit, offset) for kind in kinds},
        )

    def _matching_tracks(self, query: str) -> list[dict]:
        return [
            item
            for item in self._catalog.values()
            if item["type"] == "track" and any(query in text.lower() for text in _texts(item))
        ]

    def _matching_playlists(self, query: str) -> list[dict]:
        return [
            self._simplified(playlist)
            for playlist in self._playlists.values()
            if query in playlist.name.lower()
        ]

    # --- web api helpers ---

    def _existing(self, playlist_id: str) -> _Playlist:
        if playlist_id not in self._playlists:
            raise _api_error(404, "Resource not found")
        return self._playlists[playlist_id]

    def _editable(self, playlist_id: str, user: str | None) -> _Playlist:
        playlist = self._existing(playlist_id)
        if not playlist.can_edit(user):
            raise _api_error(403, "Forbidden")
        return playlist

    def _entries_for(self, uris: object, user: str | None, minimum: int) -> list[_Entry]:
        _check_count(uris, minimum, name="uris")
        stamp = _now()  # one write stamps all its items alike, as Spotify does
        return [_Entry(self._catalog_item(uri), user, stamp) for uri in uris]

    def _catalog_item(self, uri: object) -> dict:
        if not isinstance(uri, str):
            raise _api_error(400, "Invalid uri")
        if uri.startswith("spotify:local:"):
            raise _api_error(400, "Local files cannot be added")
        if uri in self._catalog:
            return self._catalog[uri]
        if not re.fullmatch(r"spotify:(track|episode):[0-9A-Za-z]{22}", uri):
            raise _api_error(400, "Invalid base62 id")
        raise _api_error(400, "Payload contains a non-existing ID")

    def _simplified(self, playlist: _Playlist) -> dict:
        url = f"{self.api_url}/playlists/{playlist.id}"
        return {
            "id": playlist.id,
            "name": playlist.name,
            "description": playlist.description,
            "owner": self._user_reference(playlist.owner),
            "collaborative": playlist.collaborative,
            "public": playlist.public,
            "images": [{"url": playlist.image_url}],
            "snapshot_id": playlist.snapshot_id,
            "items": {"href": f"{url}/items", "total": len(playlist.entries)},
            "tracks": None,
            "type": "playlist",
            "uri": f"spotify:playlist:{playlist.id}",
            "href": url,
        }

    def _user_reference(self, user_id: str) -> dict:
        display_name = self._users.get(user_id, {}).get("display_name", user_id)
        return {"id": user_id, "display_name": display_name, "uri": f"spotify:user:{user_id}"}

    def _entry_object(self, entry: _Entry) -> dict:
        return {
            "added_at": entry.added_at,
            "added_by": {"id": entry.added_by, "uri": f"spotify:user:{entry.added_by}"},
            "is_local": bool(entry.item and entry.item.get("is_local")),
            "item": entry.item,
            "track": None,
        }

    def _page(self, request: _Request, everything: list, limit: int, offset: int) -> dict:
        params = {k: v for k, v in request.query.items() if k not in ("limit", "offset")}

        def link(page_offset: int) -> str:
            query = urlencode({**params, "offset": page_offset, "limit": limit})
            return f"http://127.0.0.1:{self.port}{request.path}?{query}"

        has_next = offset + limit < len(everything)
        return {
            "href": link(offset),
            "items": everything[offset : offset + limit],
            "limit": limit,
            "offset": offset,
            "next": link(offset + limit) if has_next else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "total": len(everything),
        }


def _error_body(status: int, message: str) -> dict:
    return {"error": {"status": status, "message": message}}


def _api_error(status: int, message: str) -> _Refusal:
    return _Refusal(_Reply(status, _error_body(status, message)))


def _oauth_error(error: str, description: str) -> _Refusal:
    return _Refusal(_Reply(400, {"error": error, "error_description": description}))


def _encode(body: dict | str) -> bytes:
    return (body if isinstance(body, str) else json.dumps(body)).encode()


def _content_type(body: dict | str) -> str:
    return "text/plain; charset=utf-8" if isinstance(body, str) else "application/json"


def _json_body(request: _Request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _api_error(400, "Error parsing JSON.")
    return body


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _body_int(body: dict, name: str, default: int | None = None) -> int:
    value = body.get(name, default)
    if not _is_int(value):
        raise _api_error(400, f"Invalid {name}")
    return value


def _query_int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise _api_error(400, f"Invalid {name}")
    return value


def _limit_and_offset(query, default: int, maximum: int, max_offset=100_000) -> tuple[int, int]:
    limit = _query_int(query, "limit", default, 1, maximum)
    return limit, _query_int(query, "offset", 0, 0, max_offset)


def _check_count(values: object, minimum: int, name: str) -> None:
    if not isinstance(values, list):
        raise _api_error(400, f"Missing {name}")
    if len(values) > MAX_URIS_PER_REQUEST:
        raise _api_error(400, "Too many ids requested")
    if len(values) < minimum:
        raise _api_error(400, f"Missing {name}")


def _check_snapshot(playlist: _Playlist, body: dict) -> None:
    given = body.get("snapshot_id")
    if given is not None and given != playlist.snapshot_id:
        raise _api_error(400, "Snapshot id is stale")


def _changed(playlist: _Playlist, status: int) -> _Reply:
    playlist.snapshot_id = secrets.token_urlsafe(24)
    return _Reply(status, {"snapshot_id": playlist.snapshot_id})


def _moved(entries: list, start: int, length: int, insert_before: int) -> list:
    """The block [start, start+length) put before what was at insert_before, as Spotify does."""
    block = entries[start : start + length]
    rest = entries[:start] + entries[start + length :]
    index = insert_before if insert_before <= start else insert_before - length
    return rest[:index] + block + rest[index:]


def _texts(track: dict) -> list[str]:
    return [track["name"], track["album"]["name"], *(a["name"] for a in track["artists"])]


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


_stamps = {"last": datetime.min.replace(tzinfo=UTC)}
_stamps_lock = threading.Lock()


def _now() -> str:
    """An added_at stamp for one write, a second later than every earlier one at least,
    so a test can tell an item re-added by a replace from one that was only moved."""
    with _stamps_lock:
        now = datetime.now(UTC).replace(microsecond=0)
        stamp = max(now, _stamps["last"] + timedelta(seconds=1))
        _stamps["last"] = stamp
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _precision(release_date: str) -> str:
    return {4: "year", 7: "month"}.get(len(release_date), "day")


def _derived_id(*parts: str) -> str:
    """A 22-character base62 id, the same for the same parts (an artist keeps one id)."""
    number = int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest(), "big")
    digits = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(digits)


def _random_id() -> str:
    return _derived_id(secrets.token_hex(16))


def _image_url(seed: str) -> str:
    return f"https://i.scdn.co/image/{hashlib.sha256(seed.encode()).hexdigest()[:40]}"


def _artist(name: str) -> dict:
    artist_id = _derived_id("artist", name)
    return {"id": artist_id, "name": name, "uri": f"spotify:artist:{artist_id}"}
