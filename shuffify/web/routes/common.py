"""What every /api route shares: the signed-in user, CSRF, JSON bodies, errors.

api_route() wraps a handler so that it runs only with the schema current and
a live login session (401 otherwise), checks the CSRF token of every write
(403, nothing changed), and turns the Spotify client's errors into answers:
a long rate limit is 503 with Retry-After, a revoked refresh token ends the
session with 401 "sign in again". A Refused from a plain function becomes
its status and message. Handlers translate HTTP to calls of plain
functions and back, nothing more.
"""

import functools
import json
import re
from collections.abc import Collection

import bottle

from shuffify.accounts import login_sessions
from shuffify.accounts.tokens import SessionTokens
from shuffify.checks import known_fields, storable
from shuffify.database import release_idle_connection
from shuffify.errors import Refused
from shuffify.limits.gate import Gate
from shuffify.models import LoginSession, User
from shuffify.playlists.changes import WriteInterrupted
from shuffify.spotify import RateLimited, Revoked, Spotify, SpotifyError
from shuffify.web.services import Services

MAX_BODY_BYTES = 512 * 1024  # room for a 10,000-item track list
MAX_DEPTH = 32  # levels of nesting in a body; ours have at most three
MAX_DIGITS = 100  # of an integer in a body; seeds, the longest, have at most 20
SESSION_COOKIE = "shuffify_session"
CSRF_HEADER = "X-CSRF-Token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_KEY = "shuffify.login_session"
SPOTIFY_KEY = "shuffify.spotify"
SPOTIFY_ID = re.compile(r"[A-Za-z0-9]{1,64}")  # base62, as Spotify's ids are
# A row id in a path: ASCII digits without a leading zero (not "007", no Arabic-Indic
# digits), at most 18 of them, so every id passed on fits a 64-bit column; else 404.
ROW_ID = r"[1-9][0-9]{0,17}"


def api_route(services: Services, handler):
    """handler(*args) as a signed-in /api route."""

    @functools.wraps(handler)
    def wrapper(*args, **kwargs):
        if not services.schema_ready():
            bottle.abort(503, "the database schema is not ready yet; retry shortly")
        require_session(services)
        if bottle.request.method in WRITE_METHODS:
            check_csrf(services, session_cookie())
        try:
            return handler(*args, **kwargs)
        except Revoked as revoked:
            login_sessions.end(session_cookie())
            signed_out = bottle.HTTPError(401, revoked.message)
            clear_session_cookie(services, signed_out)
            raise signed_out from None
        except SpotifyError as error:
            raise spotify_http_error(error) from None
        except WriteInterrupted as interrupted:
            services.retry_write(interrupted.user, interrupted.playlist_id)
            bottle.abort(interrupted.status, interrupted.message)
        except Refused as refusal:  # the error shape reads its details (app._json_error)
            raise bottle.HTTPError(refusal.status, refusal.message, refusal) from None

    return wrapper


def row_id_filter(_config: str) -> tuple:
    """Bottle's route filter for `<name:id>`: (pattern, to Python, to URL)."""
    return ROW_ID, int, str


def spotify_http_error(error: SpotifyError) -> bottle.HTTPError:
    """The answer for a Spotify error that reached a route."""
    if isinstance(error, RateLimited):
        return bottle.HTTPError(503, error.message, **{"Retry-After": str(error.retry_after_s)})
    status = error.status if error.status in (401, 403, 404, 503) else 502
    return bottle.HTTPError(status, error.message)


def require_session(services: Services) -> LoginSession:
    session = login_sessions.find(session_cookie(), services.clock())
    if session is None:
        bottle.abort(401, "not signed in: sign in with Spotify first")
    bottle.request.environ[SESSION_KEY] = session
    return session


def check_csrf(services: Services, session_id: str) -> None:
    given = bottle.request.get_header(CSRF_HEADER) or _form_csrf_token()
    if not given or not services.keys.csrf_matches(session_id, given):
        bottle.abort(403, f"missing or wrong CSRF token (send the {CSRF_HEADER} header)")


def _form_csrf_token() -> str:
    if bottle.request.content_type.startswith("application/x-www-form-urlencoded"):
        return bottle.request.forms.get("csrf_token", "")
    return ""


def session_cookie() -> str:
    return bottle.request.get_cookie(SESSION_COOKIE, "")


def set_session_cookie(services: Services, session_id: str) -> None:
    bottle.response.set_cookie(
        SESSION_COOKIE,
        session_id,
        path="/",
        httponly=True,
        samesite="lax",
        secure=services.settings.production,
        max_age=login_sessions.COOKIE_MAX_AGE_S,
    )


def clear_session_cookie(services: Services, response: bottle.BaseResponse | None = None) -> None:
    """Clear the cookie on the response (an error raised instead of bottle's own, if given)."""
    (response or bottle.response).delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=services.settings.production
    )


def current_user() -> User:
    return bottle.request.environ[SESSION_KEY].user


def spotify(services: Services) -> Spotify:
    """The Spotify client of this request's user (one per request)."""
    environ = bottle.request.environ
    if SPOTIFY_KEY not in environ:
        session = environ[SESSION_KEY]
        environ[SPOTIFY_KEY] = Spotify(
            services.sender,
            services.settings.spotify_api_url,
            SessionTokens(services.tokens, session),
            cache=services.items_cache.for_user(session.user_id),
            before_wait=release_idle_connection,
            gate=Gate(session.user_id, feature_of(bottle.request), services.clock),
        )
    return environ[SPOTIFY_KEY]


FEATURES_BY_ENDING = {
    "shuffle": "shuffle",
    "undo": "undo",
    "redo": "undo",
    "tracks": "save",
    "restore": "restore",
    "import": "import",
    "export": "export",
    "dedupe": "tools",
}


def feature_of(request: bottle.BaseRequest) -> str:
    """What a request's calls to Spotify count as: a page view for reads, else its action."""
    ending = request.path.rstrip("/").rsplit("/", 1)[-1]
    if ending in FEATURES_BY_ENDING:
        return FEATURES_BY_ENDING[ending]
    return "page" if request.method == "GET" else "other"


def checked_playlist_id(playlist_id: str) -> str:
    """A playlist id safe to put in a Spotify URL; anything else is no playlist at all."""
    if not SPOTIFY_ID.fullmatch(playlist_id):
        bottle.abort(404, "no such playlist")
    return playlist_id


def json_body(fields: Collection[str] | None) -> dict:
    """The request body as a JSON object naming only `fields`, or a 4xx naming what is wrong.

    fields None: the plain function refuses unknown fields itself, after it
    found its row (so another user's row is 404 whatever the body names).
    """
    return _object_of(_raw_body(), fields)


def no_body() -> None:
    """A write that takes no body: none at all, {}, or a form holding only csrf_token."""
    if bottle.request.content_type.startswith("application/x-www-form-urlencoded"):
        known_fields(dict(bottle.request.forms), ["csrf_token"])
        return
    raw = _raw_body()
    if raw.strip():
        _object_of(raw, ())


def optional_body(fields: Collection[str]) -> dict:
    """A write whose body may be absent (undo, redo): {} then, else an object of `fields`."""
    if bottle.request.content_type.startswith("application/x-www-form-urlencoded"):
        known_fields(dict(bottle.request.forms), ["csrf_token"])
        return {}
    raw = _raw_body()
    return _object_of(raw, fields) if raw.strip() else {}


def _raw_body() -> bytes:
    if bottle.request.content_length > MAX_BODY_BYTES:
        bottle.abort(413, f"request body over {MAX_BODY_BYTES} bytes")
    raw = bottle.request.body.read(MAX_BODY_BYTES + 1)  # chunked bodies have no length
    if len(raw) > MAX_BODY_BYTES:
        bottle.abort(413, f"request body over {MAX_BODY_BYTES} bytes")
    return raw


def _object_of(raw: bytes, fields: Collection[str] | None) -> dict:
    if _too_deep(raw):  # before the parser: its recursion is not a safe limit
        bottle.abort(400, f"request body is nested more than {MAX_DEPTH} levels deep")
    try:
        body = json.loads(raw or b"null", parse_int=_bounded_int)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError among them
        bottle.abort(400, f"request body is not valid JSON{_where(error)}")
    if not isinstance(body, dict):
        bottle.abort(400, "request body must be a JSON object")
    _check_values(body)
    return body if fields is None else known_fields(body, fields)


JSON_STRING = re.compile(rb'"(?:\\.|[^"\\])*"')
AS_SQUARE = bytes.maketrans(b"{}", b"[]")
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(raw: bytes) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH, strings left out.

    Each pass deletes the innermost pairs everywhere at once (bytes.replace, at C
    speed): what is still paired after MAX_DEPTH passes, or a run of more than
    MAX_DEPTH unclosed openers, is too deep. A 512 KiB body takes milliseconds.
    """
    brackets = JSON_STRING.sub(b"", raw).translate(AS_SQUARE, NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        inner_gone = brackets.replace(b"[]", b"")
        if inner_gone == brackets:
            break
        brackets = inner_gone
    return b"[]" in brackets or b"[" * (MAX_DEPTH + 1) in brackets


def _bounded_int(text: str) -> int:
    """A JSON integer of at most MAX_DIGITS digits (int() itself stops at 4,300, with a 500)."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number has more than {MAX_DIGITS} digits")
    return int(text)


def _where(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f" ({error.msg} at line {error.lineno} column {error.colno})"
    if isinstance(error, UnicodeDecodeError):
        return " (it is not UTF-8)"
    return f" ({error})"


def _check_values(body: dict) -> None:
    """Refuse nesting deeper than MAX_DEPTH, and text no database column can hold."""
    pending = [(body, "request body", 1)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            bottle.abort(400, f"request body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, str):
            storable(value, path)
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                storable(key, f"a field name in {path}")
                pending.append((item, key if depth == 1 else f"{path}.{key}", depth + 1))
