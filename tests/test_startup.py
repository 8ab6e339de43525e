"""`python app.py` as a real process: how it starts, and when it refuses to.

- It logs exactly one line naming the database, with any password masked.
- Processes started at once on one database, sharing MIGRATION_LOCK_FILE,
  all serve and apply every migration in migrations/ exactly once (SQLite
  file and PostgreSQL).
- APP_ENV=testing without DATABASE_URL serves from memory and writes no file.
- A missing migrations folder is a warning: the tables come from the models.
- An unreachable database at startup leaves it serving /health as degraded,
  and SIGTERM still stops it.
- A port already in use stops it with one line naming PORT.
"""

import signal
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from direct import query, tables
from pg_cluster import free_port
from processes import ROOT

import settings
from shuffify.models import MODELS
from shuffify.schema import MIGRATION_FILE

TABLES = {model._meta.table_name for model in MODELS}
MIGRATIONS = sorted(
    path.stem for path in (ROOT / "migrations").iterdir() if MIGRATION_FILE.match(path.name)
)
PASSWORD = "S3cretPw"
CONCURRENT = 4
START_TIMEOUT_S = 60


# --- Looking at the database directly, never through the app ------------------------------


def instance_files() -> set[str]:
    folder = settings.INSTANCE_DIR
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def lines_naming(output: str, text: str) -> list[str]:
    return [line for line in output.splitlines() if text in line]


# --- Fixtures ------------------------------------------------------------------------------


@pytest.fixture
def pg_url_with_password(postgres):
    """A fresh PostgreSQL database owned by a role that logs in with PASSWORD."""
    suffix = uuid.uuid4().hex[:12]
    role, name = f"role_{suffix}", f"test_{suffix}"
    postgres.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{PASSWORD}'")
    postgres.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
    parts = urlsplit(postgres.url(name))
    host = parts.netloc.rpartition("@")[2]
    yield parts._replace(netloc=f"{role}:{PASSWORD}@{host}").geturl(), role, name
    postgres.drop_database(name)
    postgres.execute(f'DROP ROLE IF EXISTS "{role}"')


# --- The database line ---------------------------------------------------------------------


def test_sqlite_start_is_healthy_and_names_the_database_once(tmp_path, apps):
    path = tmp_path / "x.db"
    app = apps("app", DATABASE_URL=f"sqlite:///{path}")
    app.wait_for_health("healthy", timeout=START_TIMEOUT_S)
    app.stop()
    named = lines_naming(app.text(), str(path))
    assert len(named) == 1, app.text()
    assert f"database: sqlite:///{path} (APP_ENV=development)" in named[0]
    assert tables(f"sqlite:///{path}") >= TABLES
    assert len(lines_naming(app.text(), "sign-in is off")) == 1  # said once, not per request


def test_postgresql_start_is_healthy_and_names_the_database_once_password_masked(
    pg_url_with_password, apps
):
    url, role, name = pg_url_with_password
    app = apps("app", DATABASE_URL=url)
    app.wait_for_health("healthy", timeout=START_TIMEOUT_S)
    app.stop()
    output = app.text()
    named = lines_naming(output, name)
    assert len(named) == 1, output
    assert f"postgresql://{role}:***@" in named[0]
    assert PASSWORD not in output
    assert query(url, "SELECT name FROM migratehistory ORDER BY id") == [(m,) for m in MIGRATIONS]
    assert query(url, "SELECT tableowner FROM pg_tables WHERE tablename = 'users'") == [(role,)]


# --- Starting at once ----------------------------------------------------------------------


def test_processes_started_at_once_share_one_lock_and_migrate_exactly_once(db_url, tmp_path, apps):
    lock_file = str(tmp_path / "shared.lock")
    started = [
        apps(f"app{i}", DATABASE_URL=db_url, MIGRATION_LOCK_FILE=lock_file)
        for i in range(CONCURRENT)
    ]
    for app in started:
        app.wait_for_health("healthy", timeout=START_TIMEOUT_S)
    assert [app.process.poll() for app in started] == [None] * CONCURRENT
    assert query(db_url, "SELECT name FROM migratehistory ORDER BY id") == [
        (name,) for name in MIGRATIONS
    ]
    assert tables(db_url) >= TABLES
    applied = f"applied migrations: {', '.join(MIGRATIONS)}"
    appliers = [app for app in started if applied in app.text()]
    assert len(appliers) == 1


# --- Settings that change where the schema comes from -------------------------------------


def test_testing_without_database_url_serves_from_memory_and_writes_no_file(apps):
    before_instance = instance_files()
    before_root = set(ROOT.iterdir())
    app = apps("app", APP_ENV="testing", DATABASE_URL="")
    body = app.wait_for_health("healthy", timeout=START_TIMEOUT_S)
    assert body["checks"] == {"database": "ok", "migrations": "ok"}
    assert app.stop() == 0
    assert instance_files() == before_instance
    assert set(ROOT.iterdir()) == before_root
    assert len(lines_naming(app.text(), "database: sqlite:///:memory:")) == 1


def test_missing_migrations_folder_warns_and_creates_the_tables(db_url, tmp_path, apps):
    missing = tmp_path / "no-such-migrations"
    app = apps("app", DATABASE_URL=db_url, MIGRATIONS_DIR=str(missing))
    app.wait_for_health("healthy", timeout=START_TIMEOUT_S)
    warnings = [line for line in lines_naming(app.text(), str(missing)) if "WARNING" in line]
    assert len(warnings) == 1, app.text()
    assert "migrations folder" in warnings[0]
    assert tables(db_url) >= TABLES
    assert not missing.exists()


# --- Startup problems ----------------------------------------------------------------------


def test_unreachable_database_at_startup_serves_degraded_until_sigterm(apps):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/shuffify"
    app = apps("app", APP_ENV="development", DATABASE_URL=url)
    body = app.wait_for_health("degraded", timeout=START_TIMEOUT_S)
    assert body["checks"] == {"database": "unavailable", "migrations": "pending"}
    assert app.process.poll() is None
    assert app.stop(signal.SIGTERM) == 0
    assert "Traceback" not in app.text()


def test_port_in_use_exits_non_zero_with_one_line_naming_port(sqlite_url, apps):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = apps("app", DATABASE_URL=sqlite_url, PORT=str(port))
        code = app.wait(START_TIMEOUT_S)
    output = app.text()
    assert code != 0
    assert len(lines_naming(output, f"PORT={port}")) == 1, output
    assert "Traceback" not in output
