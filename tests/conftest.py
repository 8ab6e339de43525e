"""Shared fixtures: real databases (SQLite files and PostgreSQL), settings, a WSGI client.

PostgreSQL is the server TEST_DATABASE_URL names, or else a throwaway cluster
this suite starts itself. When neither is possible the PostgreSQL tests fail:
they are never skipped. Any skipped test fails the run.
"""

import os
import signal
import uuid
from urllib.parse import urlsplit

import pytest
from app_settings import T0, Clock, spotify_settings
from fake_spotify import FakeSpotify
from pg_cluster import PostgresCluster, PostgresServer
from pgbouncer import PgBouncer
from processes import AppProcess
from signed_in import SignedIn
from wsgi_client import Client

import settings as settings_module
from shuffify import database
from shuffify.limits import pause
from shuffify.web.app import create_app

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres():
    """The PostgreSQL server the tests create their databases on."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield PostgresServer(external)
        return
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield PostgresServer(cluster.url())
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(postgres):
    """A fresh, empty PostgreSQL database for one test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = postgres.create_database(name)
    yield url
    database.db.initialize(None)
    postgres.drop_database(name)


@pytest.fixture(autouse=True)
def no_remembered_pause():
    """Each test reads the Spotify pause of its own database (the cache is per process)."""
    pause.forget_cache()
    yield
    pause.forget_cache()


@pytest.fixture
def sqlite_url(tmp_path):
    """A fresh SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=BACKENDS)
def db_url(request):
    """A fresh database on each backend in turn."""
    return request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")


@pytest.fixture
def make_settings(tmp_path):
    """settings.load() on exactly the given variables, nothing from the machine."""

    def make(**values):
        values.setdefault("MIGRATION_LOCK_FILE", str(tmp_path / "migrate.lock"))
        values.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef0123456789")
        return settings_module.load(values)

    return make


@pytest.fixture
def app(db_url, make_settings):
    """The app on a fresh, migrated database (the way production starts)."""
    application = create_app(make_settings(DATABASE_URL=db_url))
    yield application
    database.close_database(database.db.obj)


@pytest.fixture
def apps(tmp_path):
    """Start `python app.py` processes; whatever still runs at the end is killed."""
    started = []

    def start(name: str, **values: str) -> AppProcess:
        values.setdefault("MIGRATION_LOCK_FILE", str(tmp_path / f"{name}.lock"))
        app = AppProcess(tmp_path / f"{name}.log", **values)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop(signal.SIGKILL)


@pytest.fixture
def client(app):
    return Client(app)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and exitstatus == 0:
        reporter.write_line("FAILED: tests were skipped; this suite allows no skips", red=True)
        session.exitstatus = 1


# --- Spotify: the fake server, an app signed in to it ---------------------------------------


@pytest.fixture
def fake_spotify():
    """A fake Spotify (accounts service and Web API) on a free port, for one test."""
    with FakeSpotify() as fake:
        yield fake


@pytest.fixture
def spotify_app(db_url, make_settings, fake_spotify):
    """The app on a fresh database, signing in against the fake Spotify."""
    application = create_app(make_settings(**spotify_settings(fake_spotify, DATABASE_URL=db_url)))
    yield application
    database.close_database(database.db.obj)


@pytest.fixture
def sign_in(spotify_app, fake_spotify):
    """sign_in("ada") -> a Client signed in as that Spotify user (added to the fake if new)."""

    known = set()

    def sign_in_as(spotify_id: str) -> SignedIn:
        if spotify_id not in known:
            fake_spotify.add_user(spotify_id, spotify_id.title())
            known.add(spotify_id)
        return SignedIn.through(Client(spotify_app), fake_spotify, spotify_id)

    return sign_in_as


# --- Three ways to one database: SQLite, PostgreSQL, PostgreSQL through PgBouncer ----------


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
        name = urlsplit(direct).path.lstrip("/")
        bouncer = request.getfixturevalue("pgbouncer")
        bouncer.warm(name)
        return bouncer.url(name), direct
    return direct, direct


# --- A clock the tests move ------------------------------------------------------------------


@pytest.fixture
def clock(spotify_app):
    """The app's clock set to T0; tests move clock.now."""
    controlled = Clock(T0)
    spotify_app.config["shuffify.services"].clock = controlled
    return controlled
