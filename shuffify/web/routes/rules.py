"""/api/rules and /api/rule-steps: rules, their preview, runs and inbox, translated to HTTP."""

import bottle

from shuffify.errors import Refused
from shuffify.playlists.uris import checked_track_uris
from shuffify.rules import run, steps, store
from shuffify.web.routes.common import api_route, current_user, json_body, no_body, spotify
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **kw)))

    one = "/api/rules/<rule_id:id>"
    route("GET", "/api/rule-steps", rule_steps)
    route("GET", "/api/rules", list_rules)
    route("POST", "/api/rules", create)
    route("POST", "/api/rules/preview", preview_unsaved)
    route("GET", one, get)
    route("PUT", one, update)
    route("DELETE", one, delete)
    route("POST", f"{one}/preview", preview)
    route("POST", f"{one}/run", run_now)
    route("GET", f"{one}/runs", runs)
    route("GET", f"{one}/inbox", inbox)
    route("POST", f"{one}/inbox/accept", accept)
    route("POST", f"{one}/inbox/dismiss", dismiss)


def rule_steps(services: Services) -> dict:
    return steps.describe()


def list_rules(services: Services) -> dict:
    return {"rules": store.list_for(current_user()), "limit": store.MAX_PER_USER}


def create(services: Services) -> dict:
    rule = store.create(spotify(services), current_user(), json_body(store.FIELDS))
    bottle.response.status = 201
    return rule


def get(services: Services, rule_id: int) -> dict:
    return store.as_dict(store.owned(current_user(), rule_id))


def update(services: Services, rule_id: int) -> dict:
    return store.update(spotify(services), current_user(), rule_id, json_body(None))


def delete(services: Services, rule_id: int) -> dict:
    no_body()
    store.delete(current_user(), rule_id)
    return {"deleted": True}


def preview_unsaved(services: Services) -> dict:
    fields = store.checked(spotify(services), current_user(), json_body(store.FIELDS))
    return run.preview(
        spotify(services), current_user(), fields["target_playlist_id"], fields["definition"]
    )


def preview(services: Services, rule_id: int) -> dict:
    no_body()
    rule = store.owned(current_user(), rule_id)
    return run.preview(
        spotify(services), rule.user, rule.target_playlist_id, rule.definition, rule.id
    )


def run_now(services: Services, rule_id: int) -> dict:
    no_body()
    run_id = store.queue_run(current_user(), rule_id, "manual", services.clock())
    services.wake_runner()
    bottle.response.status = 202
    return {"run_id": run_id, "status": "queued"}


def runs(services: Services, rule_id: int) -> dict:
    return store.runs(current_user(), rule_id)


def inbox(services: Services, rule_id: int) -> dict:
    return run.inbox(store.owned(current_user(), rule_id))


def _uris() -> list[str]:
    body = json_body(("uris",))
    if "uris" not in body:
        raise Refused("uris: a list of Spotify URIs is needed")
    return checked_track_uris(body["uris"], "uris")


def accept(services: Services, rule_id: int) -> dict:
    rule = store.owned(current_user(), rule_id)
    return run.accept(spotify(services), rule, _uris())


def dismiss(services: Services, rule_id: int) -> dict:
    rule = store.owned(current_user(), rule_id)
    return run.dismiss(rule, _uris())
