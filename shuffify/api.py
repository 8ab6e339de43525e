"""The /api routes: read and write a user's profile.

They need a bearer token (API_TOKEN; without one they are disabled) and the
current schema (503 while migrations are pending). Request bodies are JSON
objects of at most MAX_BODY_BYTES, checked before anything is read.
"""

import hmac
import json

import bottle
import peewee as pw

from shuffify.models import User

MAX_BODY_BYTES = 64 * 1024


def install(app: bottle.Bottle, api_token: str, schema_ready) -> None:
    """Add the /api routes to app."""

    def guarded(view):
        def wrapper(*args, **kwargs):
            _check_token(api_token)
            if not schema_ready():
                bottle.abort(503, "the database schema is not ready yet; retry shortly")
            return view(*args, **kwargs)

        return wrapper

    app.get("/api/users/<spotify_id>", callback=guarded(get_user))
    app.put("/api/users/<spotify_id>", callback=guarded(put_user))


def get_user(spotify_id: str) -> dict:
    return get_or_404(User, User.spotify_id == spotify_id).to_dict()


def put_user(spotify_id: str) -> dict:
    profile = read_json_object()
    unknown = set(profile) - set(User.PROFILE_FIELDS)
    if unknown:
        bottle.abort(400, f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in profile.items():
        limit = User._meta.fields[name].max_length
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            bottle.abort(400, f"{name} must be a string of at most {limit} characters, or null")
    try:
        return User.save_profile(spotify_id, profile).to_dict()
    except pw.IntegrityError:
        bottle.abort(409, "the user was changed by another request; retry")


def get_or_404(model, *where):
    row = model.get_or_none(*where)
    if row is None:
        bottle.abort(404, f"no such {model.__name__.lower()}")
    return row


def read_json_object() -> dict:
    """The request body as a JSON object, or a 4xx."""
    if bottle.request.content_length > MAX_BODY_BYTES:
        bottle.abort(413, f"request body over {MAX_BODY_BYTES} bytes")
    raw = bottle.request.body.read(MAX_BODY_BYTES + 1)  # chunked bodies have no length
    if len(raw) > MAX_BODY_BYTES:
        bottle.abort(413, f"request body over {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        bottle.abort(400, "request body is not valid JSON")
    if not isinstance(body, dict):
        bottle.abort(400, "request body must be a JSON object")
    return body


def _check_token(api_token: str) -> None:
    if not api_token:
        bottle.abort(403, "the API is disabled: set API_TOKEN to enable it")
    given = bottle.request.get_header("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {api_token}".encode()):
        bottle.abort(401, "missing or wrong bearer token")
