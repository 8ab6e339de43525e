"""/api/schedules: create, read, change, delete, run now, and each schedule's runs."""

import bottle

from shuffify.scheduling import schedules
from shuffify.web.routes.common import api_route, current_user, json_body, no_body, spotify
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    def route(method: str, path: str, handler) -> None:
        app.route(path, method, api_route(services, lambda **kw: handler(services, **kw)))

    one = "/api/schedules/<schedule_id:id>"
    route("GET", "/api/schedules", list_schedules)
    route("POST", "/api/schedules", create)
    route("GET", one, get)
    route("PATCH", one, update)
    route("DELETE", one, delete)
    route("POST", f"{one}/run", run)
    route("GET", f"{one}/executions", executions)


def list_schedules(services: Services) -> dict:
    user = current_user()
    return {"schedules": schedules.list_for(user), "limit": schedules.MAX_PER_USER}


def create(services: Services) -> dict:
    body = json_body(schedules.EDITABLE)
    schedule = schedules.create(spotify(services), current_user(), body, services.clock())
    services.wake_runner()
    bottle.response.status = 201
    return schedule


def get(services: Services, schedule_id: int) -> dict:
    return schedules.as_dict(schedules.owned(current_user(), schedule_id))


def update(services: Services, schedule_id: int) -> dict:
    user = current_user()
    body = json_body(None)
    schedule = schedules.update(spotify(services), user, schedule_id, body, services.clock())
    services.wake_runner()
    return schedule


def delete(services: Services, schedule_id: int) -> dict:
    no_body()
    schedules.delete(current_user(), schedule_id)
    return {"deleted": True}


def run(services: Services, schedule_id: int) -> dict:
    no_body()
    execution_id = schedules.run_now(current_user(), schedule_id, services.clock())
    services.wake_runner()
    bottle.response.status = 202
    return {"execution_id": execution_id, "status": "queued"}


def executions(services: Services, schedule_id: int) -> dict:
    query = bottle.request.query
    return schedules.executions(
        current_user(), schedule_id, query.get("limit", "20"), query.get("before")
    )
