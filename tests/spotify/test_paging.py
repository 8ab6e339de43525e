"""The Spotify client follows a page's `next` only to the API it was configured with (issue 17).

Every page call carries the user's bearer token, and `next` is whatever the
page says: followed to any host, a hostile or broken answer would hand the
token to anyone. So `next` must have the configured API's scheme, host and
port, or reading stops with ForeignPage (a 502 through the app, with a
message). Two real HTTP servers here: the API, and another that must never
see a request, let alone a token.
"""

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from app_settings import spotify_settings
from fake_spotify import FakeSpotify
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.spotify import ForeignPage, Sender, Spotify
from shuffify.web.app import create_app

TOKEN = "user-bearer-token-9f2c"


class Server(ThreadingHTTPServer):
    """A real HTTP server on a free port: answer(path) -> (status, bytes); requests recorded."""

    daemon_threads = True

    def __init__(self, answer):
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer = answer
        self.seen: list[tuple[str, str | None]] = []  # (path, Authorization)
        self.thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.path, self.headers.get("Authorization")))
        status, data = self.server.answer(self.command, self.path, self.headers, body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format, *args):
        pass


def empty_page(*_) -> tuple[int, bytes]:
    return 200, json.dumps({"items": [], "next": None}).encode()


class Token:
    def access_token(self) -> str:
        return TOKEN

    def refresh(self, rejected: str) -> str:
        return TOKEN


@pytest.fixture
def elsewhere():
    """The server that must never be asked anything."""
    with Server(empty_page) as server:
        yield server


def api_with_next(next_of):
    """An API whose first page links to next_of(api) and whose second page ends."""

    def answer(method, path, headers, body):
        if "page=2" in path:
            return 200, json.dumps({"items": ["second"], "next": None}).encode()
        return 200, json.dumps({"items": ["first"], "next": next_of(api)}).encode()

    api = Server(answer)
    return api


def read_all(api: Server) -> list:
    spotify = Spotify(Sender(), f"{api.origin}/v1", Token())
    return list(spotify.pages("/items", {"limit": 1}))


FOREIGN_NEXT = {
    "another port": lambda api, other: f"{other.origin}/v1/items?page=2",
    "another host name, same port": lambda api, other: (
        f"http://localhost:{api.server_address[1]}/v1/items?page=2"
    ),
    "https on the same host and port": lambda api, other: (
        f"https://127.0.0.1:{api.server_address[1]}/v1/items?page=2"
    ),
    "user info before the other host": lambda api, other: (
        f"http://127.0.0.1:{api.server_address[1]}@127.0.0.1:{other.server_address[1]}/v1"
    ),
    "a broken host": lambda api, other: "http://[127.0.0.1/v1/items?page=2",
    "a path without a host": lambda api, other: "/v1/items?page=2",
    "not a string": lambda api, other: 2,
}


@pytest.mark.parametrize("kind", FOREIGN_NEXT)
def test_a_next_link_off_the_api_stops_with_foreign_page(elsewhere, kind):
    with (
        api_with_next(lambda api: FOREIGN_NEXT[kind](api, elsewhere)) as api,
        pytest.raises(ForeignPage) as raised,
    ):
        read_all(api)
    assert raised.value.status == 502
    assert "another server" in raised.value.message
    assert [path for path, _ in api.seen] == ["/v1/items?limit=1"]  # the first page only
    assert elsewhere.seen == []


def test_control_a_next_link_on_the_api_is_followed_with_the_token(elsewhere):
    with api_with_next(lambda api: f"{api.origin}/v1/items?page=2") as api:
        assert read_all(api) == ["first", "second"]
    assert [auth for _, auth in api.seen] == [f"Bearer {TOKEN}"] * 2
    assert elsewhere.seen == []


# --- Through the app: a playlist whose second page points elsewhere --------------------------


def proxy_to(fake: FakeSpotify, elsewhere: Server) -> Server:
    """The fake's Web API, with every link in its answers pointing at `elsewhere` instead."""

    def answer(method, path, headers, body):
        connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
        forwarded = {k: v for k, v in headers.items() if k in ("Authorization", "Content-Type")}
        try:
            connection.request(method, path, body or None, forwarded)
            reply = connection.getresponse()
            data = reply.read().replace(
                f"http://127.0.0.1:{fake.port}".encode(), elsewhere.origin.encode()
            )
            return reply.status, data
        finally:
            connection.close()

    return Server(answer)


@pytest.fixture
def app_via_proxy(db_url, make_settings, fake_spotify, elsewhere):
    with proxy_to(fake_spotify, elsewhere) as proxy:
        values = spotify_settings(
            fake_spotify, DATABASE_URL=db_url, SPOTIFY_API_URL=f"{proxy.origin}/v1"
        )
        yield create_app(make_settings(**values))
        database.close_database(database.db.obj)


def test_a_playlist_whose_next_page_is_elsewhere_answers_502_and_no_token_leaves(
    app_via_proxy, fake_spotify, elsewhere
):
    fake_spotify.add_user("ada", "Ada")
    ada = SignedIn.through(Client(app_via_proxy), fake_spotify, "ada")
    playlist = fake_spotify.add_playlist("ada", "Long", [fake_spotify.track() for _ in range(60)])
    response = ada.get(f"/api/playlists/{playlist}")
    assert response.status == 502, response.raw
    assert response.json == {"error": {"status": 502, "message": ForeignPage().message}}
    assert elsewhere.seen == []
