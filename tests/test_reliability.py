"""Reliability against real components: issue 4.

What each group of tests does to the system, and what it checks:

- Replicas: 8 `python app.py` processes start at once on one empty database,
  each with its own MIGRATION_LOCK_FILE (as on 8 hosts), directly on
  PostgreSQL, through a real PgBouncer in transaction mode, and on one SQLite
  file. Every migration runs and is recorded exactly once; all 8 serve.
- Failed migrations: a deliberately broken or SIGKILLed migration in a temp
  copy of migrations/ leaves tables and history exactly as before, holds no
  lock afterwards, and applies once when fixed.
- Outages: the server is down at startup, stopped, crashed (SIGKILL of the
  postmaster) or has its connections terminated under a running app, which
  reports degraded, never blocks /health, and recovers without a restart.
- Leaks and bad input: a password in DATABASE_URL and the API token never
  appear in anything printed or answered; bad bodies get 4xx JSON.
- Graceful stop: SIGTERM lets an in-flight request finish, refuses new
  connections and exits 0.
"""

import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from direct import history, history_names, is_sqlite, query, sqlite_path, tables
from pg_cluster import PostgresCluster
from pgbouncer import PgBouncer
from processes import ROOT, AppProcess
from wsgi_client import Client

from shuffify import database
from shuffify.api import MAX_BODY_BYTES
from shuffify.schema import ADVISORY_LOCK_KEY, prepare_schema
from shuffify.web import create_app

TOKEN = "tok-7d1f0c2b9a84e6"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TABLES = {"users", "workshop_sessions", "upstream_sources", "schedules", "job_executions"}
REPLICAS = 8
HTTP_TIMEOUT_S = 5  # a /health that takes this long fails the test


# --- Looking at the database directly, never through the app ---------------------------


def advisory_locks(url: str) -> list[tuple]:
    """(key, granted) of the advisory locks on url's database (a bigint key spans two columns)."""
    return query(
        url,
        "SELECT (classid::bigint << 32) | objid::bigint, granted FROM pg_locks "
        "WHERE locktype = 'advisory' "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )


def sqlite_write_lock_is_free(url: str) -> bool:
    """True when another connection could take SQLite's write lock right now."""
    connection = sqlite3.connect(sqlite_path(url), timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        connection.close()


def dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def wait_until(condition, timeout: float, message):
    """Poll condition() until it returns something truthy; fail after timeout.

    message is a string, or a function giving one when the wait fails.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{message() if callable(message) else message} (waited {timeout}s)")


def migrate_in_process(url: str, make_settings) -> None:
    """Bring url to the current migrations/ the way the app does, then let go of it."""
    db = database.build_database(url)
    try:
        prepare_schema(db, make_settings(DATABASE_URL=url))
    finally:
        database.close_database(db)


# --- Talking to app processes --------------------------------------------------------


def call(
    app: AppProcess, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, dict, bytes]:
    """One HTTP request; a timeout raises, so a request that blocks fails the test."""
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=HTTP_TIMEOUT_S)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def health(app: AppProcess) -> dict:
    status, _, raw = call(app, "GET", "/health")
    assert status == 200
    return json.loads(raw)


def poll_health(app: AppProcess, status: str, within: float) -> dict:
    """Poll /health until it reports status; unlike wait_for_health, a hung call fails."""
    last = None

    def reports_status():
        nonlocal last
        assert app.process.poll() is None, f"app exited: {app.text()}"
        last = health(app)
        return last if last["status"] == status else None

    return wait_until(reports_status, within, lambda: f"/health not {status} (last: {last})")


def assert_json_error(status: int, headers: dict, raw: bytes, expected: int) -> None:
    assert status == expected, raw
    assert headers["Content-Type"] == "application/json"
    error = json.loads(raw)["error"]
    assert error["status"] == expected
    assert isinstance(error["message"], str) and error["message"]


@pytest.fixture
def cluster():
    """A PostgreSQL server of this test's own, which it may stop, kill and restart."""
    server = PostgresCluster()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def stopped_cluster():
    """A PostgreSQL server that exists but is not running yet."""
    server = PostgresCluster()
    yield server
    server.destroy()


@pytest.fixture
def pgbouncer(postgres):
    """A real PgBouncer in transaction mode in front of the session's server."""
    bouncer = PgBouncer(postgres.admin_url)
    bouncer.start()
    yield bouncer
    bouncer.destroy()


@pytest.fixture(params=("sqlite", "postgresql", "pgbouncer"))
def target(request):
    """(URL the app is given, URL to inspect the same database directly), per route."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
        return url, url
    direct = request.getfixturevalue("pg_url")
    if request.param == "pgbouncer":
        bouncer = request.getfixturevalue("pgbouncer")
        bouncer.warm(dbname(direct))
        return bouncer.url(dbname(direct)), direct
    return direct, direct


def restart_after_crash(server: PostgresCluster, timeout: float = 30) -> None:
    """Start a server whose postmaster was killed, once its orphans have exited."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            server.start()
            return
        except subprocess.CalledProcessError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def migrations_copy(tmp_path: Path, extra_name: str, extra_source: str) -> Path:
    """A copy of migrations/ with one more migration file."""
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    for source in (ROOT / "migrations").glob("[0-9][0-9][0-9]_*.py"):
        (folder / source.name).write_text(source.read_text())
    (folder / f"{extra_name}.py").write_text(extra_source)
    return folder


# --- Migrations exactly once across replicas ---------------------------------------------

# Not IF NOT EXISTS, so a second run fails; the sleep makes the replicas overlap.
COUNTING_MIGRATION = """
import time

def migrate(migrator, database, *, fake=False):
    migrator.sql("CREATE TABLE migration_runs (id integer)")
    migrator.sql("INSERT INTO migration_runs VALUES (1)")
    migrator.run(time.sleep, 0.5)
"""


def test_replicas_on_separate_hosts_apply_each_migration_exactly_once(target, tmp_path, apps):
    app_url, direct_url = target
    folder = migrations_copy(tmp_path, "002_count_runs", COUNTING_MIGRATION)
    replicas = [
        apps(f"replica{i}", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
        for i in range(REPLICAS)
    ]
    for replica in replicas:
        replica.wait_for_health("healthy", timeout=60)
    assert [replica.process.poll() for replica in replicas] == [None] * REPLICAS
    assert history_names(direct_url) == ["001_initial", "002_count_runs"]
    assert query(direct_url, "SELECT count(*) FROM migration_runs") == [(1,)]
    assert tables(direct_url) >= TABLES
    appliers = [
        r for r in replicas if "applied migrations: 001_initial, 002_count_runs" in r.text()
    ]
    assert len(appliers) == 1


# --- A migration that fails ---------------------------------------------------------------

BROKEN_MIGRATION = """
def migrate(migrator, database, *, fake=False):
    migrator.sql("CREATE TABLE broken_marker (id integer)")
    migrator.sql("THIS IS NOT SQL")
"""
FIXED_MIGRATION = """
def migrate(migrator, database, *, fake=False):
    migrator.sql("CREATE TABLE broken_marker (id integer)")
"""


@pytest.mark.parametrize("starting_point", ["empty", "at_001"])
def test_failed_migration_changes_nothing_and_applies_once_fixed(
    db_url, starting_point, tmp_path, apps, make_settings
):
    if starting_point == "at_001":
        migrate_in_process(db_url, make_settings)
    tables_before, history_before = tables(db_url), history(db_url)
    folder = migrations_copy(tmp_path, "002_broken", BROKEN_MIGRATION)

    broken = apps("broken", DATABASE_URL=db_url, MIGRATIONS_DIR=str(folder))
    assert broken.wait(30) == 1
    output = broken.text()
    reports = [line for line in output.splitlines() if "002_broken" in line and "syntax" in line]
    assert len(reports) == 1, output
    assert "Traceback" not in output, "the failure should be one line, not a traceback"
    assert tables(db_url) == tables_before
    assert "broken_marker" not in tables(db_url)
    assert history(db_url) == history_before
    if not is_sqlite(db_url):
        assert advisory_locks(db_url) == []

    (folder / "002_broken.py").write_text(FIXED_MIGRATION)
    fixed = apps("fixed", DATABASE_URL=db_url, MIGRATIONS_DIR=str(folder))
    fixed.wait_for_health("healthy", timeout=30)
    assert history_names(db_url) == ["001_initial", "002_broken"]
    assert history(db_url)[: len(history_before)] == history_before
    assert "broken_marker" in tables(db_url)


# --- A process killed in the middle of a migration ---------------------------------------

SLOW_MIGRATION = """
import pathlib
import time

def migrate(migrator, database, *, fake=False):
    migrator.sql("CREATE TABLE slow_marker (id integer)")
    migrator.run(pathlib.Path({started!r}).touch)
    migrator.run(time.sleep, 60)
"""


def test_migration_killed_midway_changes_nothing_and_releases_its_locks(
    target, tmp_path, apps, make_settings
):
    app_url, direct_url = target
    migrate_in_process(direct_url, make_settings)
    tables_before, history_before = tables(direct_url), history(direct_url)
    started = tmp_path / "slow-migration-started"
    folder = migrations_copy(tmp_path, "002_slow", SLOW_MIGRATION.format(started=str(started)))

    slow = apps("slow", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
    wait_until(
        lambda: started.exists() or slow.process.poll() is not None,
        30,
        "the slow migration did not start",
    )
    assert slow.process.poll() is None, slow.text()
    if is_sqlite(direct_url):
        assert not sqlite_write_lock_is_free(direct_url)
    else:
        assert advisory_locks(direct_url) == [(ADVISORY_LOCK_KEY, True)]
    slow.stop(signal.SIGKILL)

    if is_sqlite(direct_url):
        assert sqlite_write_lock_is_free(direct_url)
    else:
        wait_until(lambda: advisory_locks(direct_url) == [], 10, "advisory lock still held")
    assert "slow_marker" not in tables(direct_url)
    assert tables(direct_url) == tables_before
    assert history(direct_url) == history_before

    (folder / "002_slow.py").write_text(FIXED_MIGRATION.replace("broken_marker", "slow_marker"))
    fixed = apps("fixed", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
    fixed.wait_for_health("healthy", timeout=30)
    assert history_names(direct_url) == ["001_initial", "002_slow"]
    assert "slow_marker" in tables(direct_url)


# --- Outages ---------------------------------------------------------------------------


def test_app_started_while_database_down_serves_degraded_then_migrates(stopped_cluster, apps):
    url = stopped_cluster.url("postgres")
    app = apps("app", DATABASE_URL=url, API_TOKEN=TOKEN)
    body = app.wait_for_health("degraded", timeout=30)
    assert body["checks"] == {"database": "unavailable", "migrations": "pending"}
    for method in ("GET", "PUT"):
        status, headers, raw = call(app, method, "/api/users/ada", b'{"email": null}', AUTH)
        assert_json_error(status, headers, raw, 503)
    pid = app.process.pid

    stopped_cluster.start()
    body = poll_health(app, "healthy", within=30)
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert app.process.pid == pid and app.process.poll() is None
    assert history_names(url) == ["001_initial"]
    status, _, _ = call(app, "PUT", "/api/users/ada", b'{"display_name": "Ada"}', AUTH)
    assert status == 200
    assert query(url, "SELECT display_name FROM users WHERE spotify_id = 'ada'") == [("Ada",)]


def test_health_follows_the_server_through_stop_and_crash(cluster, apps):
    app = apps("app", DATABASE_URL=cluster.url("postgres"))
    app.wait_for_health("healthy", timeout=30)
    pid = app.process.pid

    cluster.stop("fast")
    body = poll_health(app, "degraded", within=10)
    assert body["checks"] == {"database": "unavailable", "migrations": "ok"}
    assert health(app)["status"] == "degraded"  # and it keeps answering
    cluster.start()
    poll_health(app, "healthy", within=15)

    cluster.kill()
    poll_health(app, "degraded", within=10)
    restart_after_crash(cluster)
    poll_health(app, "healthy", within=15)
    assert app.process.pid == pid and app.process.poll() is None


def test_terminated_connections_are_not_handed_to_requests(pg_url, apps):
    app = apps("app", DATABASE_URL=pg_url, WAITRESS_THREADS="4")
    app.wait_for_health("healthy", timeout=30)
    warm = [threading.Thread(target=health, args=(app,)) for _ in range(8)]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()

    terminated = query(
        pg_url,
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        dbname(pg_url),
    )[0][0]
    assert terminated >= 1
    assert health(app)["status"] == "healthy"  # the very next request
    assert [health(app)["status"] for _ in range(5)] == ["healthy"] * 5


# --- Secrets never leak ------------------------------------------------------------------


def test_database_password_and_api_token_never_printed_or_answered(cluster, apps):
    password = "Zq7-hunter%21secret"  # percent-encoded "!"; trust auth accepts any password
    url = f"postgresql://postgres:{password}@127.0.0.1:{cluster.port}/postgres"
    app = apps("app", DATABASE_URL=url, API_TOKEN=TOKEN, LOG_LEVEL="DEBUG")
    app.wait_for_health("healthy", timeout=30)
    answers = []

    def record(method, path, body=b"", headers=None, expected=None):
        status, response_headers, raw = call(app, method, path, body, headers)
        answers.append(raw)
        if expected:
            assert_json_error(status, response_headers, raw, expected)
        return status

    record("GET", "/no/such/page", expected=404)
    record("PUT", "/api/users/ada", b'{"email": null}', expected=401)
    record("PUT", "/api/users/ada", b'{"email": ', AUTH, expected=400)
    assert record("PUT", "/api/users/ada", b'{"display_name": "Ada"}', AUTH) == 200
    cluster.stop("fast")
    poll_health(app, "degraded", within=10)
    assert record("PUT", "/api/users/ada", b'{"display_name": "Bo"}', AUTH) >= 500
    cluster.start()
    poll_health(app, "healthy", within=15)
    app.stop()

    printed = app.text()
    assert "postgres:***@127.0.0.1" in printed  # the URL was logged, masked
    for secret in (password, "Zq7-hunter!secret", "hunter", TOKEN):
        assert secret not in printed
        assert not [raw for raw in answers if secret.encode() in raw]


# --- Request bodies ------------------------------------------------------------------------


@pytest.fixture
def api(db_url, make_settings):
    """A client for the app with the API enabled, on a fresh migrated database."""
    application = create_app(make_settings(DATABASE_URL=db_url, API_TOKEN=TOKEN))
    yield Client(application)
    database.close_database(database.db.obj)


def put_user(client: Client, body: bytes, headers: dict | None = None, spotify_id="ada"):
    headers = AUTH if headers is None else headers
    return client.request("PUT", f"/api/users/{spotify_id}", body=body, headers=headers)


def users(url: str) -> list[tuple]:
    return query(url, "SELECT spotify_id, display_name, email FROM users ORDER BY id")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"display_name": ', 400),
        (b"\xff\xfe not utf-8", 400),
        (b"", 400),
        (b"[]", 400),
        (b'"Ada"', 400),
        (b'{"is_admin": true}', 400),
        (b'{"encrypted_refresh_token": "x"}', 400),
        (json.dumps({"display_name": "x" * 256}).encode(), 400),
        (b'{"display_name": 42}', 400),
        (json.dumps({"display_name": "x" * MAX_BODY_BYTES}).encode(), 413),
    ],
    ids=[
        "malformed",
        "not-utf8",
        "empty",
        "array",
        "string",
        "unknown-field",
        "private-field",
        "too-long",
        "not-a-string",
        "oversized",
    ],
)
def test_bad_body_gets_json_4xx_and_writes_nothing(api, db_url, body, status):
    response = put_user(api, body)
    assert_json_error(response.status, response.headers, response.raw, status)
    assert users(db_url) == []


def test_valid_body_creates_then_updates_the_user(api, db_url):
    response = put_user(api, b'{"display_name": "Ada", "email": "ada@example.com"}')
    assert response.status == 200
    assert response.json["spotify_id"] == "ada"
    assert "encrypted_refresh_token" not in response.json
    assert users(db_url) == [("ada", "Ada", "ada@example.com")]

    response = put_user(api, json.dumps({"display_name": "x" * 255, "email": None}).encode())
    assert response.status == 200
    assert users(db_url) == [("ada", "x" * 255, None)]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"X-Token": TOKEN}],
    ids=["missing", "wrong", "no-bearer", "other-header"],
)
def test_api_without_the_right_token_answers_401(api, db_url, headers):
    response = put_user(api, b'{"display_name": "Ada"}', headers)
    assert_json_error(response.status, response.headers, response.raw, 401)
    assert users(db_url) == []


def test_api_without_api_token_setting_answers_403(db_url, make_settings):
    client = Client(create_app(make_settings(DATABASE_URL=db_url)))
    try:
        response = put_user(client, b'{"display_name": "Ada"}', {"Authorization": "Bearer "})
    finally:
        database.close_database(database.db.obj)
    assert_json_error(response.status, response.headers, response.raw, 403)
    assert users(db_url) == []


# --- Graceful stop -----------------------------------------------------------------------


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def app_connections(url: str) -> int:
    return query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        dbname(url),
    )[0][0]


def test_sigterm_finishes_in_flight_request_refuses_new_ones_and_exits_0(pg_url, apps):
    app = apps("app", DATABASE_URL=pg_url, API_TOKEN=TOKEN)
    app.wait_for_health("healthy", timeout=30)
    blocker = psycopg2.connect(pg_url)  # holds the users table, so the PUT waits on it
    blocker.cursor().execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
    answer = {}

    def in_flight():
        try:
            status, _, raw = call(app, "PUT", "/api/users/ada", b'{"display_name": "Ada"}', AUTH)
            answer.update(status=status, body=json.loads(raw))
        except (OSError, http.client.HTTPException) as error:
            answer.update(error=repr(error))

    request = threading.Thread(target=in_flight)
    try:
        request.start()
        wait_until(
            lambda: query(
                pg_url,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock'",
                dbname(pg_url),
            )[0][0],
            10,
            "the PUT never waited on the lock",
        )
        app.process.send_signal(signal.SIGTERM)
        wait_until(lambda: refuses_connections(app.port), 5, "still accepting after SIGTERM")
        assert request.is_alive()  # refused while the request is still in flight
        time.sleep(1)
    finally:
        blocker.rollback()
        blocker.close()
    request.join(HTTP_TIMEOUT_S)
    assert answer.get("status") == 200, answer
    assert answer["body"]["display_name"] == "Ada"
    assert app.wait(10) == 0
    assert users(pg_url) == [("ada", "Ada", None)]
    wait_until(lambda: app_connections(pg_url) == 0, 5, "connections left after exit")
