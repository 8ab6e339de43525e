"""Calling a WSGI app in-process, as Flask's test client does: no sockets.

The client keeps the cookies the app sets (name and value; path, expiry and
the other attributes are kept in `set_cookies` for tests to read), like a
browser on one host would.
"""

import io
import json
from http.cookies import SimpleCookie
from wsgiref.util import setup_testing_defaults


class Client:
    """Calls a WSGI app in-process, as Flask's test client does."""

    def __init__(self, app):
        self.app = app
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        headers = dict(headers or {})
        if self.cookies and "Cookie" not in headers:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
        setup_testing_defaults(environ)
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)
            captured["set_cookies"] = [v for k, v in response_headers if k == "Set-Cookie"]

        result = self.app(environ, start_response)
        try:
            raw = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()  # as a WSGI server must
        self._keep_cookies(captured["set_cookies"])
        return Response(captured["status"], captured["headers"], raw, captured["set_cookies"])

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or morsel.value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def send_json(self, method: str, path: str, data=None, headers: dict | None = None):
        body = b"" if data is None else json.dumps(data).encode()
        return self.request(
            method, path, body, {"Content-Type": "application/json", **(headers or {})}
        )


class Response:
    def __init__(self, status: int, headers: dict, raw: bytes, set_cookies: list[str] = ()):
        self.status, self.headers, self.raw = status, headers, raw
        self.set_cookies = list(set_cookies)

    @property
    def json(self):
        return json.loads(self.raw)
