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
- Leaks: a password in DATABASE_URL, SECRET_KEY and its fallback, the
  Spotify client secret, every token and authorization code the (fake)
  Spotify issued, and the session ids never appear in anything a process
  printed at LOG_LEVEL=DEBUG or answered, through a whole sign-in over real
  HTTP, API calls, a forced token refresh, bad requests, a database outage,
  sign-out and account deletion.
- Signed-in API: 503 while the schema is pending (before the session is
  looked at), 401 without a live session, 403 without the CSRF token, and
  bodies that are not a JSON object of at most MAX_BODY_BYTES get 4xx JSON
  before the route runs.
- Graceful stop: SIGTERM lets an in-flight request finish, refuses new
  connections and exits 0.
"""

import base64
import http.client
import json
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import bottle
import psycopg2
import pytest
from direct import history, history_names, is_sqlite, query, sqlite_path, tables
from fake_spotify import FakeSpotify
from pg_cluster import PostgresCluster, free_port
from polling import wait_until
from processes import ROOT, AppProcess
from wsgi_client import Client

from shuffify import database
from shuffify.models import MODELS
from shuffify.schema import ADVISORY_LOCK_KEY, MIGRATION_FILE, prepare_schema
from shuffify.web.app import create_app
from shuffify.web.routes.common import (
    CSRF_HEADER,
    MAX_BODY_BYTES,
    SESSION_COOKIE,
    api_route,
    json_body,
)
from shuffify.web.routes.signin import FLOW_COOKIE

TABLES = {model._meta.table_name for model in MODELS}
MIGRATIONS = sorted(
    path.stem for path in (ROOT / "migrations").iterdir() if MIGRATION_FILE.match(path.name)
)
SECRET_KEY = "reliability-secret-key-0123456789abcdef!"  # 40 characters
FALLBACK_KEY = "an-earlier-secret-key-0123456789abcdef"
METRICS_TOKEN = "a-metrics-token-0123456789abcdef"
REPLICAS = 8
HTTP_TIMEOUT_S = 5  # a /health that takes this long fails the test


def next_migration(name: str) -> str:
    """The name a migration added after every one in migrations/ would have."""
    return f"{int(MIGRATIONS[-1][:3]) + 1:03d}_{name}"


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


def migrate_in_process(url: str, make_settings) -> None:
    """Bring url to the current migrations/ the way the app does, then let go of it."""
    db = database.build_database(url)
    try:
        prepare_schema(db, make_settings(DATABASE_URL=url))
    finally:
        database.close_database(db)


# --- Talking to app processes --------------------------------------------------------


@dataclass
class Answer:
    """One HTTP response, every header kept (a response may set several cookies)."""

    status: int
    headers: list[tuple[str, str]]
    raw: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self) -> dict[str, str]:
        """name -> value as a browser sends it back (still quoted when the server quoted it)."""
        found = {}
        for key, value in self.headers:
            if key.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    found[name] = morsel.coded_value
        return found

    @property
    def json(self):
        return json.loads(self.raw)

    def text(self, set_cookie: bool = True) -> str:
        """Everything a client sees: status, headers (Set-Cookie when asked) and body."""
        headers = [f"{k}: {v}" for k, v in self.headers if set_cookie or k.lower() != "set-cookie"]
        return "\n".join([str(self.status), *headers, self.raw.decode(errors="replace")])


def http_request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> Answer:
    """One HTTP request; a timeout raises, so a request that blocks fails the test."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_S)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def call(
    app: AppProcess, method: str, path: str, body: bytes = b"", headers: dict | None = None
) -> tuple[int, dict, bytes]:
    answer = http_request(app.port, method, path, body, headers)
    return answer.status, dict(answer.headers), answer.raw


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

    return wait_until(reports_status, lambda: f"/health not {status} (last: {last})", within)


def assert_json_error(status: int, headers: dict, raw: bytes, expected: int) -> None:
    assert status == expected, raw
    assert headers["Content-Type"] == "application/json"
    error = json.loads(raw)["error"]
    assert error["status"] == expected
    assert isinstance(error["message"], str) and error["message"]


# --- Signing in to an app process over real HTTP, as a browser does ----------------------


def signin_settings(fake: FakeSpotify, port: int, **values: str) -> dict[str, str]:
    """The settings of an app process on port that signs in against the fake Spotify."""
    return {
        "PORT": str(port),
        "SPOTIFY_CLIENT_ID": fake.client_id,
        "SPOTIFY_CLIENT_SECRET": fake.client_secret,
        "SPOTIFY_ACCOUNTS_URL": fake.accounts_url,
        "SPOTIFY_API_URL": fake.api_url,
        "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{port}/callback",
        "SECRET_KEY": SECRET_KEY,
        **values,
    }


@dataclass
class Browser:
    """A signed-in browser: its session cookie and the CSRF token from /api/me."""

    port: int
    session_id: str
    csrf: str
    flow_cookie: str
    answers: list[Answer]

    def send(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        cookie = {"Cookie": f"{SESSION_COOKIE}={self.session_id}"}
        answer = http_request(self.port, method, path, body, {**cookie, **(headers or {})})
        self.answers.append(answer)
        return answer

    def write(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        return self.send(method, path, body, {CSRF_HEADER: self.csrf, **(headers or {})})


def sign_in_over_http(
    app: AppProcess, fake: FakeSpotify, spotify_id: str, answers: list[Answer]
) -> Browser:
    """/login on the app (no redirect followed), the fake's authorize URL, the app's /callback."""
    login = http_request(app.port, "GET", "/login")
    answers.append(login)
    assert login.status == 302, login.raw
    authorize = urlsplit(login.header("Location"))
    assert f"{authorize.scheme}://{authorize.netloc}" == f"http://127.0.0.1:{fake.port}"
    flow_cookie = login.cookies()[FLOW_COOKIE]

    fake.next_login = spotify_id
    approved = http_request(fake.port, "GET", f"{authorize.path}?{authorize.query}")
    assert approved.status == 302, approved.raw
    back = urlsplit(approved.header("Location"))
    assert (back.netloc, back.path) == (f"127.0.0.1:{app.port}", "/callback")

    callback = http_request(
        app.port,
        "GET",
        f"/callback?{back.query}",
        headers={"Cookie": f"{FLOW_COOKIE}={flow_cookie}"},
    )
    answers.append(callback)
    assert callback.status == 302, callback.raw
    assert urlsplit(callback.header("Location")).path == "/"
    session_id = callback.cookies()[SESSION_COOKIE]
    browser = Browser(app.port, session_id, "", flow_cookie, answers)
    me = browser.send("GET", "/api/me")
    assert me.status == 200, me.raw
    assert me.json["user"]["spotify_id"] == spotify_id
    browser.csrf = me.json["csrf_token"]
    return browser


@pytest.fixture
def fake():
    """A fake Spotify with one user, ada, who owns a playlist of three tracks."""
    with FakeSpotify() as spotify:
        spotify.add_user("ada", "Ada")
        spotify.add_playlist("ada", "Ada's mix", [spotify.track() for _ in range(3)])
        yield spotify


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
    counting = next_migration("count_runs")
    folder = migrations_copy(tmp_path, counting, COUNTING_MIGRATION)
    replicas = [
        apps(f"replica{i}", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
        for i in range(REPLICAS)
    ]
    for replica in replicas:
        replica.wait_for_health("healthy", timeout=60)
    assert [replica.process.poll() for replica in replicas] == [None] * REPLICAS
    assert history_names(direct_url) == [*MIGRATIONS, counting]
    assert query(direct_url, "SELECT count(*) FROM migration_runs") == [(1,)]
    assert tables(direct_url) >= TABLES
    applied = f"applied migrations: {', '.join([*MIGRATIONS, counting])}"
    appliers = [r for r in replicas if applied in r.text()]
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


@pytest.mark.parametrize("starting_point", ["empty", "migrated"])
def test_failed_migration_changes_nothing_and_applies_once_fixed(
    db_url, starting_point, tmp_path, apps, make_settings
):
    if starting_point == "migrated":
        migrate_in_process(db_url, make_settings)
    tables_before, history_before = tables(db_url), history(db_url)
    broken_name = next_migration("broken")
    folder = migrations_copy(tmp_path, broken_name, BROKEN_MIGRATION)

    broken = apps("broken", DATABASE_URL=db_url, MIGRATIONS_DIR=str(folder))
    assert broken.wait(30) == 1
    output = broken.text()
    reports = [line for line in output.splitlines() if broken_name in line and "syntax" in line]
    assert len(reports) == 1, output
    assert "Traceback" not in output, "the failure should be one line, not a traceback"
    assert tables(db_url) == tables_before
    assert "broken_marker" not in tables(db_url)
    assert history(db_url) == history_before
    if not is_sqlite(db_url):
        assert advisory_locks(db_url) == []

    (folder / f"{broken_name}.py").write_text(FIXED_MIGRATION)
    fixed = apps("fixed", DATABASE_URL=db_url, MIGRATIONS_DIR=str(folder))
    fixed.wait_for_health("healthy", timeout=30)
    assert history_names(db_url) == [*MIGRATIONS, broken_name]
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
    slow_name = next_migration("slow")
    folder = migrations_copy(tmp_path, slow_name, SLOW_MIGRATION.format(started=str(started)))

    slow = apps("slow", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
    wait_until(
        lambda: started.exists() or slow.process.poll() is not None,
        "the slow migration did not start",
        30,
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
        wait_until(lambda: advisory_locks(direct_url) == [], "advisory lock still held", 10)
    assert "slow_marker" not in tables(direct_url)
    assert tables(direct_url) == tables_before
    assert history(direct_url) == history_before

    (folder / f"{slow_name}.py").write_text(FIXED_MIGRATION.replace("broken_marker", "slow_marker"))
    fixed = apps("fixed", DATABASE_URL=app_url, MIGRATIONS_DIR=str(folder))
    fixed.wait_for_health("healthy", timeout=30)
    assert history_names(direct_url) == [*MIGRATIONS, slow_name]
    assert "slow_marker" in tables(direct_url)


# --- Outages ---------------------------------------------------------------------------


def test_app_started_while_database_down_serves_degraded_then_migrates(stopped_cluster, apps, fake):
    url = stopped_cluster.url("postgres")
    port = free_port()
    app = apps("app", DATABASE_URL=url, **signin_settings(fake, port))
    body = app.wait_for_health("degraded", timeout=30)
    assert body["checks"] == {"database": "unavailable", "migrations": "pending"}
    # The schema gate runs first: 503, not 401, though no request here has a session.
    for method, path in [
        ("GET", "/api/me"),
        ("DELETE", "/api/me"),
        ("GET", "/api/playlists"),
        ("GET", "/api/playlists/abc123"),
        ("GET", "/callback?code=any&state=any"),
    ]:
        status, headers, raw = call(app, method, path, b'{"email": null}')
        assert_json_error(status, headers, raw, 503)
    assert fake.count() == 0  # nothing reached Spotify
    pid = app.process.pid

    stopped_cluster.start()
    body = poll_health(app, "healthy", within=30)
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert app.process.pid == pid and app.process.poll() is None
    assert history_names(url) == MIGRATIONS
    status, headers, raw = call(app, "GET", "/api/me")
    assert_json_error(status, headers, raw, 401)
    browser = sign_in_over_http(app, fake, "ada", [])
    assert browser.send("GET", "/api/playlists").status == 200
    [(display_name, stored_token)] = query(
        url, "SELECT display_name, encrypted_refresh_token FROM users WHERE spotify_id = 'ada'"
    )
    assert display_name == "Ada"
    assert stored_token and stored_token not in fake.issued_secrets()


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


def test_no_secret_is_ever_printed_or_answered(cluster, apps, fake):
    """Passwords, keys, client secret, tokens, codes and session ids: never in logs or answers."""
    password = "Zq7-hunter%21secret"  # percent-encoded "!"; trust auth accepts any password
    url = f"postgresql://postgres:{password}@127.0.0.1:{cluster.port}/postgres"
    port = free_port()
    fake.rotate_refresh_tokens = True  # a refresh issues a new refresh token too
    settings = signin_settings(
        fake, port, SECRET_KEY_FALLBACKS=FALLBACK_KEY, METRICS_TOKEN=METRICS_TOKEN
    )
    app = apps("app", DATABASE_URL=url, LOG_LEVEL="DEBUG", **settings)
    app.wait_for_health("healthy", timeout=30)
    answers: list[Answer] = []

    def anonymous(method, path, body=b"", headers=None, expected=None):
        answer = http_request(app.port, method, path, body, headers)
        answers.append(answer)
        if expected:
            assert_json_error(answer.status, dict(answer.headers), answer.raw, expected)
        return answer

    def expect(answer: Answer, status: int) -> Answer:
        assert_json_error(answer.status, dict(answer.headers), answer.raw, status)
        return answer

    anonymous("GET", "/no/such/page", expected=404)
    anonymous("GET", "/api/me", expected=401)
    anonymous("DELETE", "/api/me", b'{"email": ', expected=401)
    anonymous("GET", "/callback?code=made-up&state=made-up", expected=400)
    anonymous("GET", "/metrics", expected=401)
    metrics = anonymous("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert metrics.status == 200 and b"shuffify_spotify_calls_24h" in metrics.raw

    # A whole sign-in, the API, a forced refresh, bad requests.
    ada = sign_in_over_http(app, fake, "ada", answers)
    listed = ada.send("GET", "/api/playlists")
    assert listed.status == 200, listed.raw
    [playlist] = listed.json["playlists"]
    assert ada.send("GET", f"/api/playlists/{playlist['id']}").json["track_count"] == 3
    refreshes = fake.count("POST", r"/api/token$")
    fake.expire_access_tokens()
    assert ada.send("GET", "/api/playlists").status == 200
    assert fake.count("POST", r"/api/token$") == refreshes + 1  # the token was refreshed
    expect(ada.send("GET", "/api/playlists/not-a-playlist-id"), 404)
    expect(ada.write("DELETE", "/api/me", headers={CSRF_HEADER: "wrong"}), 403)
    expect(ada.send("DELETE", "/api/me", b'{"email": '), 403)
    expect(ada.send("POST", "/logout"), 403)
    anonymous("GET", "/api/me", headers={"Cookie": f"{SESSION_COOKIE}=made-up"}, expected=401)
    anonymous(
        "GET",
        "/api/me",
        headers={"Cookie": f"{SESSION_COOKIE}={ada.csrf}"},  # the CSRF token is no session id
        expected=401,
    )

    # The database goes away under a signed-in user, and comes back.
    cluster.stop("fast")
    poll_health(app, "degraded", within=10)
    assert ada.send("GET", "/api/me").status >= 500
    assert ada.send("GET", "/api/playlists").status >= 500
    cluster.start()
    poll_health(app, "healthy", within=15)
    assert ada.send("GET", "/api/me").status == 200

    # Sign out; sign in again and leave for good.
    logout = ada.write("POST", "/logout")
    assert logout.status == 303, logout.raw
    expect(ada.send("GET", "/api/me"), 401)
    again = sign_in_over_http(app, fake, "ada", answers)
    deleted = again.write("DELETE", "/api/me")
    assert deleted.status == 200 and deleted.json == {"deleted": True}, deleted.raw
    expect(again.send("GET", "/api/me"), 401)
    app.stop()

    printed = app.text()
    assert "postgres:***@127.0.0.1" in printed  # the URL was logged, masked
    assert "DEBUG" in printed  # the level really was DEBUG
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    issued = fake.issued_secrets()
    assert len(issued) >= 7  # 2 codes, 3 access tokens, 2+1 refresh tokens
    secrets = {
        "database password": [password, "Zq7-hunter!secret", "hunter"],
        "SECRET_KEY": [SECRET_KEY],
        "SECRET_KEY_FALLBACKS": [FALLBACK_KEY],
        "METRICS_TOKEN": [METRICS_TOKEN],
        "client secret": [fake.client_secret, basic],
        "issued by Spotify": sorted(issued),
    }
    for kind, values in secrets.items():
        for secret in values:
            assert secret not in printed, f"{kind} printed"
            assert not [a for a in answers if secret in a.text()], f"{kind} answered"
    # A session id, and the (encrypted) sign-in flow, are in the Set-Cookie that hands each
    # to its browser, and nowhere else.
    cookies = {
        "session id": [ada.session_id, again.session_id],
        "sign-in flow cookie": [ada.flow_cookie.strip('"'), again.flow_cookie.strip('"')],
    }
    for kind, values in cookies.items():
        for value in values:
            assert value not in printed, f"{kind} printed"
            assert [a for a in answers if value in a.text()], f"{kind}: the search finds it"
            assert not [a for a in answers if value in a.text(set_cookie=False)], kind


# --- The signed-in API in-process: sessions, CSRF, bodies ---------------------------------

PROBE = "/api/test-probe"  # a write route added by the test, using the shared json_body()


@pytest.fixture
def probe(spotify_app):
    """The app with PROBE, which records the JSON body it was given."""
    services = spotify_app.config["shuffify.services"]
    received, spooled = [], []

    def handler():
        received.append(json_body(None))  # any fields: the probe records them
        spooled.append(bottle.request.environ.get("bottle.request.body"))
        return {"received": True}

    methods = ["POST", "PUT", "PATCH", "DELETE"]
    spotify_app.route(PROBE, method=methods, callback=api_route(services, handler))
    yield received
    # Bottle spools a body over its MEMFILE_MAX to a temporary file the app does not close
    # (test_web.py tests that): closed here, so no ResourceWarning lands in a later test.
    for body in spooled:
        if body is not None:
            body.close()


def users(url: str) -> list[tuple]:
    return query(url, "SELECT spotify_id, display_name FROM users ORDER BY id")


def login_sessions(url: str) -> int:
    return query(url, "SELECT count(*) FROM login_sessions")[0][0]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"display_name": ', 400),
        (b"\xff\xfe not utf-8", 400),
        (b"", 400),
        (b"null", 400),
        (b"[]", 400),
        (b'"Ada"', 400),
        (b"42", 400),
        (b"{'single': 'quotes'}", 400),
        (json.dumps({"name": "x" * MAX_BODY_BYTES}).encode(), 413),
    ],
    ids=[
        "malformed",
        "not-utf8",
        "empty",
        "null",
        "array",
        "string",
        "number",
        "single-quotes",
        "oversized",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_bad_body_gets_json_4xx_before_the_route_runs(probe, sign_in, body, status, method):
    ada = sign_in("ada")
    response = ada.client.request(
        method, PROBE, body, {"Content-Type": "application/json", CSRF_HEADER: ada.csrf}
    )
    assert_json_error(response.status, response.headers, response.raw, status)
    assert probe == []


def test_a_json_object_up_to_the_limit_reaches_the_route(probe, sign_in):
    ada = sign_in("ada")
    assert ada.put(PROBE, {"name": "Ada", "uris": ["spotify:track:1"]}).status == 200
    padding = MAX_BODY_BYTES - len(json.dumps({"name": ""}).encode())
    largest = {"name": "x" * padding}
    assert len(json.dumps(largest).encode()) == MAX_BODY_BYTES
    assert ada.put(PROBE, largest).status == 200
    assert probe == [{"name": "Ada", "uris": ["spotify:track:1"]}, largest]


@pytest.mark.parametrize(
    ("signed_in", "csrf", "status"),
    [(False, None, 401), (True, "", 403), (True, "wrong", 403)],
    ids=["no-session", "no-csrf", "wrong-csrf"],
)
def test_session_and_csrf_are_checked_before_the_body(probe, sign_in, signed_in, csrf, status):
    ada = sign_in("ada")
    if not signed_in:
        ada.client.cookies.clear()
    response = ada.client.request(
        "PUT",
        PROBE,
        b'{"oversized": "' + b"x" * MAX_BODY_BYTES + b'"}',
        {"Content-Type": "application/json", **({CSRF_HEADER: csrf} if csrf else {})},
    )
    assert_json_error(response.status, response.headers, response.raw, status)
    assert probe == []


NO_SESSION = {
    "no-cookie": lambda ada: None,
    "made-up-id": lambda ada: "x" * 43,
    "csrf-token-as-id": lambda ada: ada.csrf,
    "empty": lambda ada: "",
}


@pytest.mark.parametrize("cookie", NO_SESSION)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/me"), ("DELETE", "/api/me"), ("GET", "/api/playlists"), ("PUT", PROBE)],
)
def test_api_without_a_live_session_answers_401_and_changes_nothing(
    probe, sign_in, db_url, fake_spotify, cookie, method, path
):
    ada = sign_in("ada")
    before, calls = users(db_url), fake_spotify.count()
    value = NO_SESSION[cookie](ada)
    headers = {CSRF_HEADER: ada.csrf, "Content-Type": "application/json"}
    if value is not None:
        headers["Cookie"] = f"{SESSION_COOKIE}={value}"
    response = Client(ada.client.app).request(method, path, b"{}", headers)
    assert_json_error(response.status, response.headers, response.raw, 401)
    assert users(db_url) == before == [("ada", "Ada")]
    assert fake_spotify.count() == calls  # nothing asked of Spotify
    assert probe == []


def test_a_signed_out_session_answers_401(sign_in, db_url):
    ada = sign_in("ada")
    session = ada.client.cookies[SESSION_COOKIE]
    assert ada.post("/logout").status == 303
    assert SESSION_COOKIE not in ada.client.cookies
    assert login_sessions(db_url) == 0
    response = Client(ada.client.app).get(
        "/api/me", headers={"Cookie": f"{SESSION_COOKIE}={session}"}
    )
    assert_json_error(response.status, response.headers, response.raw, 401)


@pytest.mark.parametrize(
    "csrf", ["", "wrong", "other-user"], ids=["missing", "wrong", "other-users-token"]
)
def test_delete_me_without_the_csrf_token_answers_403_and_deletes_nothing(sign_in, db_url, csrf):
    ada, bo = sign_in("ada"), sign_in("bo")
    token = bo.csrf if csrf == "other-user" else csrf
    response = ada.write("DELETE", "/api/me", csrf=token)
    assert_json_error(response.status, response.headers, response.raw, 403)
    assert users(db_url) == [("ada", "Ada"), ("bo", "Bo")]
    assert ada.get("/api/me").status == 200

    deleted = ada.delete("/api/me")
    assert deleted.status == 200 and deleted.json == {"deleted": True}
    assert users(db_url) == [("bo", "Bo")]
    gone = ada.get("/api/me")
    assert_json_error(gone.status, gone.headers, gone.raw, 401)
    assert bo.get("/api/me").status == 200


def test_a_form_may_send_the_csrf_token_as_a_field(sign_in, db_url):
    ada = sign_in("ada")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = ada.client.request("POST", "/logout", b"csrf_token=wrong", form)
    assert refused.status == 403
    assert login_sessions(db_url) == 1
    body = f"csrf_token={ada.csrf}".encode()
    assert ada.client.request("POST", "/logout", body, form).status == 303
    assert login_sessions(db_url) == 0


def test_with_sign_in_off_login_names_the_settings_and_the_api_answers_401(db_url, make_settings):
    client = Client(create_app(make_settings(DATABASE_URL=db_url)))
    try:
        login = client.get("/login")
        me = client.get("/api/me")
    finally:
        database.close_database(database.db.obj)
    assert_json_error(login.status, login.headers, login.raw, 503)
    message = login.json["error"]["message"]
    assert "SPOTIFY_CLIENT_ID" in message and "SPOTIFY_CLIENT_SECRET" in message
    assert_json_error(me.status, me.headers, me.raw, 401)
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


def test_sigterm_finishes_in_flight_request_refuses_new_ones_and_exits_0(pg_url, apps, fake):
    port = free_port()
    app = apps("app", DATABASE_URL=pg_url, **signin_settings(fake, port))
    app.wait_for_health("healthy", timeout=30)
    ada = sign_in_over_http(app, fake, "ada", [])
    blocker = psycopg2.connect(pg_url)  # holds the users table, so the DELETE waits on it
    blocker.cursor().execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
    answer = {}

    def in_flight():
        try:
            response = ada.write("DELETE", "/api/me")
            answer.update(status=response.status, body=response.json)
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
            "the DELETE never waited on the lock",
            10,
        )
        app.process.send_signal(signal.SIGTERM)
        wait_until(lambda: refuses_connections(app.port), "still accepting after SIGTERM", 5)
        assert request.is_alive()  # refused while the request is still in flight
        time.sleep(1)
    finally:
        blocker.rollback()
        blocker.close()
    request.join(HTTP_TIMEOUT_S)
    assert answer.get("status") == 200, answer
    assert answer["body"] == {"deleted": True}
    assert app.wait(10) == 0
    assert users(pg_url) == []
    assert login_sessions(pg_url) == 0
    wait_until(lambda: app_connections(pg_url) == 0, "connections left after exit", 5)
