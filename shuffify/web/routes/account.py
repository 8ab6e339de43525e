"""Your account's routes (issue 23): settings, the activity log, login sessions, the
dashboard's preferences, "since your last visit", and your data as one file.

The login sessions are at /api/login-sessions, not the issue's /api/sessions:
/api/sessions/<id> already names saved workshop sessions (routes/workshop.py),
so DELETE /api/sessions/<id> would be ambiguous. Handlers only translate
HTTP; the work is in shuffify.accounts.
"""

import json

import bottle

from shuffify.accounts import activity, login_sessions, user_settings, your_data
from shuffify.errors import NotFound
from shuffify.playlists import snapshot_codec
from shuffify.web.routes.common import SESSION_KEY, api_route, current_user, json_body, no_body
from shuffify.web.services import Services

SNAPSHOT_ORDER = {"playlist_snapshots.uris": snapshot_codec.decode}


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **kw)))

    route("GET", "/api/settings", get_settings)
    route("PATCH", "/api/settings", patch_settings)
    route("GET", "/api/activity", get_activity)
    route("GET", "/api/activity/since-last-visit", since_last_visit)
    route("GET", "/api/login-sessions", get_login_sessions)
    route("DELETE", "/api/login-sessions/<session_id:id>", end_login_session)
    route("POST", "/api/login-sessions/end-others", end_other_sessions)
    route("GET", "/api/playlists/preferences", get_preferences)
    route("PUT", "/api/playlists/preferences", put_preferences)
    route("GET", "/api/me/export", export)


def get_settings(services: Services) -> dict:
    return {"settings": user_settings.settings_of(current_user())}


def patch_settings(services: Services) -> dict:
    body = json_body(None)
    changed = user_settings.update(current_user(), body)
    if body:
        activity.record(current_user(), "settings", f"Changed {', '.join(sorted(body))}")
    return {"settings": changed}


def get_activity(services: Services) -> dict:
    return activity.listing(current_user(), dict(bottle.request.query.decode()))


def since_last_visit(services: Services) -> dict:
    previous = user_settings.visit(current_user(), services.clock())
    return {
        "since": previous.isoformat() if previous else None,
        "runs": activity.runs_since(current_user(), previous),
    }


def _session():
    return bottle.request.environ[SESSION_KEY]


def get_login_sessions(services: Services) -> dict:
    return {
        "sessions": login_sessions.listing(current_user(), _session(), services.clock()),
        "history": activity.sign_ins(current_user()),
    }


def end_login_session(services: Services, session_id: int):
    no_body()
    if not login_sessions.end_one(current_user(), session_id):
        raise NotFound("no such login session")
    activity.record(current_user(), "sign-out", "Ended a session from the sessions page")
    bottle.response.status = 204


def end_other_sessions(services: Services) -> dict:
    no_body()
    ended = login_sessions.end_others(current_user(), _session())
    if ended:
        activity.record(current_user(), "sign-out", f"Ended {ended} other session(s)")
    return {"ended": ended}


def get_preferences(services: Services) -> dict:
    return user_settings.preferences(current_user())


def put_preferences(services: Services) -> dict:
    return user_settings.set_preferences(current_user(), json_body(None))


def export(services: Services) -> str:
    document = your_data.export(current_user(), SNAPSHOT_ORDER)
    bottle.response.content_type = "application/json"
    bottle.response.set_header("Content-Disposition", 'attachment; filename="shuffify-data.json"')
    return json.dumps(document, indent=1)
