"""Calling a WSGI app in-process, as Flask's test client does: no sockets."""

import io
import json
from wsgiref.util import setup_testing_defaults


class Client:
    """Calls a WSGI app in-process, as Flask's test client does."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        setup_testing_defaults(environ)
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = dict(response_headers)

        raw = b"".join(self.app(environ, start_response))
        return Response(captured["status"], captured["headers"], raw)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)


class Response:
    def __init__(self, status: int, headers: dict, raw: bytes):
        self.status, self.headers, self.raw = status, headers, raw

    @property
    def json(self):
        return json.loads(self.raw)
