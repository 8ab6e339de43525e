"""A browser signed in to the app through the fake Spotify, for in-process tests.

SignedIn.through() walks the real flow: /login on the app, the fake's
authorize page (which approves at once), /callback on the app. Writes carry
the CSRF token from /api/me, as the pages do.
"""

import http.client
from urllib.parse import urlsplit

from fake_spotify import FakeSpotify
from wsgi_client import Client


def follow_authorize(fake: FakeSpotify, authorize_url: str, spotify_id: str) -> str:
    """The fake's answer to the browser at its authorize URL: the callback path and query."""
    fake.next_login = spotify_id
    parts = urlsplit(authorize_url)
    connection = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=5)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        back = urlsplit(response.getheader("Location"))
    finally:
        connection.close()
    return f"{back.path}?{back.query}"


class SignedIn:
    """A Client holding a login session, sending the CSRF token with every write."""

    def __init__(self, client: Client, spotify_id: str):
        self.client = client
        self.spotify_id = spotify_id
        me = client.get("/api/me")
        assert me.status == 200, me.raw
        self.csrf = me.json["csrf_token"]
        self.user_id = me.json["user"]["id"]

    @classmethod
    def through(cls, client: Client, fake: FakeSpotify, spotify_id: str) -> "SignedIn":
        login = client.get("/login")
        assert login.status == 302, login.raw
        callback = client.get(follow_authorize(fake, login.headers["Location"], spotify_id))
        assert callback.status == 302 and callback.headers["Location"].endswith("/"), callback.raw
        return cls(client, spotify_id)

    def get(self, path: str):
        return self.client.get(path)

    def write(self, method: str, path: str, data=None, csrf: str | None = None):
        token = self.csrf if csrf is None else csrf
        return self.client.send_json(method, path, data, {"X-CSRF-Token": token} if token else {})

    def post(self, path: str, data=None):
        return self.write("POST", path, data)

    def put(self, path: str, data=None):
        return self.write("PUT", path, data)

    def patch(self, path: str, data=None):
        return self.write("PATCH", path, data)

    def delete(self, path: str, data=None):
        return self.write("DELETE", path, data)
