"""/api/status (the deployment's Spotify budget and pause, and the user's sign-in) and /metrics."""

import hmac

import bottle

from shuffify.accounts import authorization
from shuffify.limits import budget, calls, metrics, pause
from shuffify.web.routes.common import api_route, current_user
from shuffify.web.services import Services


def install(app: bottle.Bottle, services: Services) -> None:
    app.get("/api/status", callback=api_route(services, lambda: status(services)))
    app.get("/metrics", callback=lambda: prometheus(services))


def status(services: Services) -> dict:
    now, user = services.clock(), current_user()
    until = pause.paused_until(now)
    spotify = budget.status(now, services.settings.spotify_daily_call_budget)
    spotify["paused_until"] = until.isoformat() if until else None
    you = {"calls_24h": calls.used(now, user.id), **authorization.banner(user, now)}
    return {"spotify": spotify, "you": you}


def prometheus(services: Services) -> str:
    token = services.settings.metrics_token
    if not token:
        bottle.abort(404, "not found: set METRICS_TOKEN to turn /metrics on")
    given = bottle.request.get_header("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        bottle.abort(401, "send the metrics token as Authorization: Bearer <token>")
    bottle.response.content_type = "text/plain; version=0.0.4; charset=utf-8"
    return metrics.render(services.clock(), services.settings.spotify_daily_call_budget)
