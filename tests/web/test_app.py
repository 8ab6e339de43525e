"""The WSGI app in-process (shuffify/web.py), on SQLite files and real PostgreSQL.

- Errors: Bottle's own 404, 405 and 500 answer the one JSON error shape, and a
  500 carries no exception text or traceback.
- Connections: each request takes one connection and always gives it back to
  the pool, on errors too; sequential requests reuse one connection, and
  create_app keeps none of the connections it migrated with.
- /health: runs a real query on every call, so it turns degraded on the very
  next call after the server stops and healthy again once it is back, on the
  same app object; an app built while nothing listens starts degraded.
- Security headers: every response, errors included, carries the
  Content-Security-Policy, nosniff and Referrer-Policy; HSTS only in production.
- Request bodies: one too large for Bottle to keep in memory is spooled to a
  temporary file, which is closed when the request ends.
- Deferred routes: building the app imports no route module and no domain
  code; /health answers without them; the first other request installs them
  (once, whichever thread asks first).
"""

import io
import json
import subprocess
import sys
import threading
import uuid
import wsgiref.util
from pathlib import Path
from urllib.parse import urlsplit

import bottle
import psycopg2
import pytest
from pg_cluster import PostgresCluster, PostgresServer, free_port
from polling import wait_until
from wsgi_client import Client

from shuffify import database
from shuffify.web.app import create_app

SECRET_DETAIL = "kaboom-7f3e-internal-detail"
NOT_FOUND_AFTER_QUERY = "/query-then-404"
RAISES_AFTER_QUERY = "/boom"


# --- Helpers -------------------------------------------------------------------------------


def assert_json_error(response, status: int) -> dict:
    """The response is the app's one error shape with this status; returns the error."""
    assert response.status == status, response.raw
    assert response.headers["Content-Type"] == "application/json"
    body = response.json
    assert list(body) == ["error"]
    assert set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def boom():
    database.db.execute_sql("SELECT 1").fetchone()
    raise RuntimeError(SECRET_DETAIL)


def query_then_404():
    database.db.execute_sql("SELECT 1").fetchone()
    bottle.abort(404, "no such thing")


def pg_backends(url: str) -> list[int]:
    """Backend pids connected to url's database, other than the one asking."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (urlsplit(url).path.lstrip("/"),),
            )
            return sorted(pid for (pid,) in cursor.fetchall())
    finally:
        connection.close()


def assert_nothing_checked_out() -> None:
    pool = database.db.obj
    assert pool.is_closed(), "this thread still holds a connection after the request"
    assert pool._in_use == {}, "a connection is still checked out of the pool"


@pytest.fixture
def routes(app):
    """The app with two more routes that run a query, then fail."""
    app.get(RAISES_AFTER_QUERY, callback=boom)
    app.get(NOT_FOUND_AFTER_QUERY, callback=query_then_404)
    return Client(app)


# --- One JSON error shape ------------------------------------------------------------------


def test_unknown_route_answers_json_404(client):
    error = assert_json_error(client.get("/no/such/page"), 404)
    assert "/no/such/page" in error["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_wrong_method_on_health_answers_json_405(client, method):
    response = client.request(method, "/health")
    assert_json_error(response, 405)
    assert response.headers["Allow"] == "GET"


def test_route_that_raises_answers_json_500_without_exception_text(routes):
    response = routes.get(RAISES_AFTER_QUERY)
    assert_json_error(response, 500)
    text = response.raw.decode()
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", "web.py", 'File "'):
        assert leak not in text


def test_abort_in_a_route_answers_json_with_its_message(routes):
    error = assert_json_error(routes.get(NOT_FOUND_AFTER_QUERY), 404)
    assert error["message"] == "no such thing"


# --- Security headers on every response ----------------------------------------------------

ANSWERS = {
    "health": ("GET", "/health", 200),
    "unknown-route": ("GET", "/no/such/page", 404),
    "wrong-method": ("POST", "/health", 405),
    "query-then-raise": ("GET", RAISES_AFTER_QUERY, 500),
    "query-then-404": ("GET", NOT_FOUND_AFTER_QUERY, 404),
    "sign-in-off": ("GET", "/login", 503),
    "not-signed-in": ("GET", "/api/me", 401),
    "write-not-signed-in": ("DELETE", "/api/me", 401),
    "logout-not-signed-in": ("POST", "/logout", 303),
}


def assert_security_headers(headers: dict, production: bool) -> None:
    policy = headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "https://i.scdn.co" in directives["img-src"]  # Spotify's cover art
    assert "'self'" in directives["img-src"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    if production:
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        assert int(headers["Strict-Transport-Security"].split(";")[0].split("=")[1]) >= 15552000
    else:
        assert "Strict-Transport-Security" not in headers


@pytest.mark.parametrize("answer", ANSWERS)
def test_every_response_carries_the_security_headers(routes, answer):
    method, path, status = ANSWERS[answer]
    response = routes.request(method, path)
    assert response.status == status, response.raw
    assert_security_headers(response.headers, production=False)


@pytest.mark.parametrize("answer", ANSWERS)
def test_production_responses_add_hsts(sqlite_url, make_settings, answer):
    application = create_app(make_settings(APP_ENV="production", DATABASE_URL=sqlite_url))
    application.get(RAISES_AFTER_QUERY, callback=boom)
    application.get(NOT_FOUND_AFTER_QUERY, callback=query_then_404)
    try:
        method, path, status = ANSWERS[answer]
        response = Client(application).request(method, path)
    finally:
        database.close_database(database.db.obj)
    assert response.status == status, response.raw
    assert_security_headers(response.headers, production=True)


# --- Request bodies -------------------------------------------------------------------------


def test_a_body_spooled_to_a_temporary_file_is_closed_when_the_request_ends(app):
    """Left open, each large body holds a file descriptor until the garbage collector runs."""
    app.put("/spooled", callback=lambda: {"length": len(bottle.request.body.read())})
    body = b"x" * (bottle.BaseRequest.MEMFILE_MAX + 1)
    environ = {
        "REQUEST_METHOD": "PUT",
        "PATH_INFO": "/spooled",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    wsgiref.util.setup_testing_defaults(environ)
    answer = b"".join(app(environ, lambda status, headers, exc_info=None: None))
    spooled = environ["bottle.request.body"]
    try:
        assert answer == b'{"length": %d}' % len(body)
        assert not isinstance(spooled, io.BytesIO)  # Bottle did spool it to a file
        assert spooled.closed, "the request body's temporary file is still open"
    finally:
        spooled.close()


# --- One connection per request, always returned -------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/health", 200),
        ("/no/such/page", 404),
        (NOT_FOUND_AFTER_QUERY, 404),
        (RAISES_AFTER_QUERY, 500),
    ],
    ids=["health", "unknown-route", "query-then-404", "query-then-raise"],
)
def test_request_returns_its_connection_to_the_pool(routes, path, status):
    assert routes.get(path).status == status
    assert_nothing_checked_out()


def test_connection_is_returned_after_a_mix_of_requests(routes):
    for path in ("/health", RAISES_AFTER_QUERY, "/no/such/page", NOT_FOUND_AFTER_QUERY) * 3:
        routes.get(path)
        assert_nothing_checked_out()
    assert routes.get("/health").json["status"] == "healthy"


@pytest.mark.parametrize("migrations_folder", ["present", "missing"])
def test_create_app_returns_every_connection_it_used(
    db_url, make_settings, tmp_path, migrations_folder
):
    values = {"DATABASE_URL": db_url}
    if migrations_folder == "missing":
        values["MIGRATIONS_DIR"] = str(tmp_path / "no-such-folder")
    create_app(make_settings(**values))
    try:
        assert_nothing_checked_out()
    finally:
        database.close_database(database.db.obj)


def test_create_app_in_testing_returns_the_in_memory_connection(make_settings):
    create_app(make_settings(APP_ENV="testing"))
    try:
        # In memory the pool has one connection: kept here, no request thread could get it.
        assert_nothing_checked_out()
    finally:
        database.close_database(database.db.obj)
        database.db.initialize(None)


def test_sequential_requests_reuse_one_postgresql_connection(pg_url, make_settings):
    client = Client(create_app(make_settings(DATABASE_URL=pg_url)))
    try:
        assert client.get("/health").json["status"] == "healthy"
        backends = pg_backends(pg_url)
        for _ in range(20):
            assert client.get("/health").json["status"] == "healthy"
        pool = database.db.obj
        assert pool._in_use == {}
        assert len(pool._connections) <= 1, "more than one idle connection: not reused"
        assert len(pool._connections) + len(pool._in_use) <= 5
        assert len(backends) == 1
        assert pg_backends(pg_url) == backends, "requests opened new connections"
    finally:
        database.close_database(database.db.obj)
    wait_until(lambda: pg_backends(pg_url) == [], "the app's connection was not closed")


# --- /health against a server that goes away ----------------------------------------------


@pytest.fixture(scope="module")
def own_cluster():
    """A PostgreSQL server of this module's own, which tests may stop."""
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def cluster(own_cluster):
    """own_cluster, running at the start of the test and again after it."""
    yield own_cluster
    if not (own_cluster.data / "postmaster.pid").exists():
        own_cluster.start()


@pytest.fixture
def cluster_client(cluster, make_settings):
    """A client for an app on a fresh database of the test's own cluster."""
    server = PostgresServer(cluster.url())
    name = f"web_{uuid.uuid4().hex[:12]}"
    url = server.create_database(name)
    application = create_app(make_settings(DATABASE_URL=url))
    yield Client(application)
    application.config["shuffify.schema"].stop()
    database.close_database(database.db.obj)
    database.db.initialize(None)
    if (cluster.data / "postmaster.pid").exists():
        server.drop_database(name)


def test_health_is_degraded_on_the_very_next_call_after_the_server_stops(cluster, cluster_client):
    assert cluster_client.get("/health").json["status"] == "healthy"
    cluster.stop("fast")
    response = cluster_client.get("/health")
    assert response.status == 200
    assert response.json["status"] == "degraded"
    assert response.json["checks"] == {"database": "unavailable", "migrations": "ok"}
    assert_nothing_checked_out()


def test_health_recovers_on_the_same_app_when_the_server_starts_again(cluster, cluster_client):
    assert cluster_client.get("/health").json["status"] == "healthy"
    cluster.stop("fast")
    for _ in range(3):
        body = cluster_client.get("/health").json
        assert body["status"] == "degraded"
        assert body["checks"]["database"] == "unavailable"
    cluster.start()
    body = cluster_client.get("/health").json
    assert body["status"] == "healthy"
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert_nothing_checked_out()


def test_app_built_while_nothing_listens_starts_and_reports_degraded(make_settings):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/shuffify"
    application = create_app(make_settings(DATABASE_URL=url))
    try:
        response = Client(application).get("/health")
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        assert response.json["status"] == "degraded"
        assert response.json["checks"] == {"database": "unavailable", "migrations": "pending"}
        assert_nothing_checked_out()
    finally:
        application.config["shuffify.schema"].stop()
        database.close_database(database.db.obj)
        database.db.initialize(None)


# --- Deferred routes -----------------------------------------------------------------------

IMPORTED_AFTER_CREATE_APP = """
import json, sys
import settings
from shuffify.web import server
from shuffify.web.app import create_app
create_app(settings.load())
print(json.dumps(sorted(m for m in sys.modules if m.startswith("shuffify"))))
"""


def test_building_the_app_imports_no_route_and_no_domain_code(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    run = subprocess.run(
        [sys.executable, "-c", IMPORTED_AFTER_CREATE_APP],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    imported = json.loads(run.stdout)
    assert "shuffify.web.app" in imported and "shuffify.health" in imported
    later = ("shuffify.web.routes.pages", "shuffify.playlists.changes", "shuffify.rules")
    assert not set(later) & set(imported)


def test_health_answers_before_the_routes_are_installed(app):
    client = Client(app)
    assert client.get("/health").status == 200
    assert app.config["shuffify.routes"].installed is False
    assert [route.rule for route in app.routes] == ["/health"]


def test_the_first_other_request_installs_every_route(app):
    client = Client(app)
    assert client.get("/privacy").status == 200
    assert app.config["shuffify.routes"].installed is True
    rules = {route.rule for route in app.routes}
    assert {"/health", "/api/me", "/api/rules", "/workshop/<playlist_id>"} <= rules


def test_routes_are_installed_once_when_requests_race(app):
    client = Client(app)
    statuses = []
    threads = [
        threading.Thread(target=lambda: statuses.append(client.get("/terms").status))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8, client.get("/terms").raw
    rules = [(route.method, route.rule) for route in app.routes]
    assert len(rules) == len(set(rules))


def test_once_installed_no_request_runs_the_installing_hook(app):
    client = Client(app)
    assert client.get("/terms").status == 200
    assert app._hooks["before_request"] == []
    assert client.get("/health").status == 200 and client.get("/privacy").status == 200
