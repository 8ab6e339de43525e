"""shuffify/database.py: the peewee database built from a resolved DATABASE_URL.

Covers the PostgreSQL pool (size, recycling, connect parameters from the URL,
dead connections discarded on checkout after a real server restart or a
terminated backend, stale connections recycled, close_database closing every
connection) and SQLite (folders created, pragmas read back from the real
connection, an in-memory database that survives reconnecting and works from
another thread).
"""

import sqlite3
import threading
import time
from pathlib import Path

import peewee as pw
import psycopg2
import pytest
from pg_cluster import PostgresCluster
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase
from polling import wait_until

import settings
from shuffify import database

REMOTE_URL = "postgresql://shuffify:S3cret%40Pw%2F@db.example.com:5432/shuffify"


# --- Looking at the server directly, never through the pool ------------------------------


def backends(url: str) -> set[int]:
    """Backend pids connected to url's database, seen from a separate connection."""
    connection = psycopg2.connect(url)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def terminate(url: str, pid: int) -> None:
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        connection.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        connection.close()


def backend_pid(db: pw.Database) -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def checked_out_pid(db: pw.Database) -> int:
    """Check a connection out of the pool, read its backend pid, return it to the pool."""
    db.connect()
    try:
        return backend_pid(db)
    finally:
        db.close()


@pytest.fixture
def pg_db(pg_url):
    db = database.build_database(pg_url)
    yield db
    database.close_database(db)


@pytest.fixture(scope="module")
def own_cluster():
    """A server of this module's own, because its tests stop and start it."""
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


# --- PostgreSQL: what build_database returns --------------------------------------------


def test_postgresql_url_builds_a_pool_of_five_recycled_after_300_seconds():
    db = database.build_database(REMOTE_URL)
    assert isinstance(db, PooledPostgresqlDatabase)
    assert db._max_connections == 5
    assert db._stale_timeout == 300
    assert db.is_closed()


@pytest.mark.parametrize(
    ("query", "connect_timeout"),
    [("", 2), ("?connect_timeout=7", 7), ("?sslmode=require&connect_timeout=15", 15)],
)
def test_connect_timeout_is_2_seconds_unless_the_url_gives_one(query, connect_timeout):
    db = database.build_database(REMOTE_URL + query)
    assert db.connect_params["connect_timeout"] == connect_timeout


def test_url_parts_and_query_parameters_reach_the_connect_parameters():
    db = database.build_database(
        "postgresql://u%40corp:S3cret%40Pw%2F@db.example.com:6432/shuffify"
        "?sslmode=verify-full&application_name=shuffify-web"
    )
    assert db.database == "shuffify"
    params = db.connect_params
    assert params["user"] == "u@corp"
    assert params["password"] == "S3cret@Pw/"
    assert (params["host"], params["port"]) == ("db.example.com", 6432)
    assert params["sslmode"] == "verify-full"
    assert params["application_name"] == "shuffify-web"


def test_query_parameters_from_database_url_reach_the_server(pg_url):
    url = settings.resolve_database_url(
        pg_url.replace("postgresql://", "postgres://")
        + "?application_name=shuffify%20test&options=-c%20statement_timeout%3D1234",
        "development",
    )
    db = database.build_database(url)
    try:
        assert db.execute_sql("SHOW application_name").fetchone()[0] == "shuffify test"
        assert db.execute_sql("SHOW statement_timeout").fetchone()[0] == "1234ms"
        assert db.connection().info.dsn_parameters["connect_timeout"] == "2"
    finally:
        database.close_database(db)


# --- PostgreSQL: the pool on a real server -----------------------------------------------


def test_returned_connection_is_reused_by_the_next_checkout(pg_db):
    first = checked_out_pid(pg_db)
    assert checked_out_pid(pg_db) == first
    assert len(pg_db._connections) == 1
    assert pg_db._in_use == {}


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_pooled_connection_dead_after_server_restart_is_discarded_on_checkout(own_cluster, mode):
    db = database.build_database(own_cluster.url())
    try:
        before = checked_out_pid(db)
        assert len(db._connections) == 1
        own_cluster.stop(mode)
        own_cluster.start()
        db.connect()
        after = backend_pid(db)
        assert db.execute_sql("SELECT 41 + 1").fetchone()[0] == 42
        db.close()
        assert after != before
        assert after in backends(own_cluster.url())
        assert len(db._connections) == 1, "the dead connection went back into the pool"
    finally:
        database.close_database(db)


def test_pooled_connection_whose_backend_was_terminated_is_discarded_on_checkout(pg_db, pg_url):
    before = checked_out_pid(pg_db)
    terminate(pg_url, before)
    wait_until(lambda: before not in backends(pg_url), "terminated backend gone")
    after = checked_out_pid(pg_db)
    assert after != before
    assert backends(pg_url) == {after}
    assert len(pg_db._connections) == 1


def test_stale_connection_is_replaced_on_checkout(pg_db, pg_url):
    pg_db._stale_timeout = 1
    before = checked_out_pid(pg_db)
    time.sleep(1.5)
    after = checked_out_pid(pg_db)
    assert after != before
    wait_until(lambda: backends(pg_url) == {after}, "only the new backend left")


def test_close_database_closes_idle_and_checked_out_connections(pg_db, pg_url):
    pg_db.connect()
    in_use_here = backend_pid(pg_db)
    pids = []

    def check_out(give_back: bool) -> None:
        pg_db.connect()
        pids.append(backend_pid(pg_db))
        if give_back:
            pg_db.close()

    for give_back in (False, True):
        thread = threading.Thread(target=check_out, args=(give_back,))
        thread.start()
        thread.join()
    assert len(pg_db._in_use) == 2 and len(pg_db._connections) == 1
    assert backends(pg_url) == {in_use_here, *pids}

    database.close_database(pg_db)

    assert pg_db._connections == []
    assert pg_db._in_use == {}
    assert pg_db.is_closed()
    wait_until(lambda: backends(pg_url) == set(), "every backend gone")


# --- SQLite file ----------------------------------------------------------------------------


def sqlite_file_db(tmp_path: Path) -> tuple[pw.Database, Path]:
    path = tmp_path / "missing" / "folders" / "app.db"
    return database.build_database(f"sqlite:///{path}"), path


def test_sqlite_file_url_builds_a_sqlite_database_and_creates_its_folders(tmp_path):
    db, path = sqlite_file_db(tmp_path)
    assert isinstance(db, pw.SqliteDatabase)
    assert path.parent.is_dir()
    try:
        db.execute_sql("CREATE TABLE t (x INTEGER)")
        db.execute_sql("INSERT INTO t VALUES (7)")
    finally:
        database.close_database(db)
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT x FROM t").fetchall() == [(7,)]


def test_sqlite_file_connections_are_pooled_and_reused(tmp_path):
    # Pooled on purpose: see the module docstring of shuffify/database.py.
    db, _ = sqlite_file_db(tmp_path)
    try:
        assert isinstance(db, PooledDatabase)
        assert db._max_connections == 5
        db.connect()
        first = db.connection()
        db.close()
        db.connect()
        assert db.connection() is first
        db.close()
    finally:
        database.close_database(db)


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 5000), ("synchronous", 1)],
)
def test_every_sqlite_connection_has_the_pragmas(tmp_path, pragma, expected):
    db, _ = sqlite_file_db(tmp_path)
    seen = []

    def read() -> None:
        # A second thread while the first holds its connection: a second connection.
        db.connect()
        seen.append(db.execute_sql(f"PRAGMA {pragma}").fetchone()[0])
        db.close()

    try:
        db.connect()
        seen.append(db.execute_sql(f"PRAGMA {pragma}").fetchone()[0])
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert len(db._in_use) + len(db._connections) == 2
        db.close()
    finally:
        database.close_database(db)
    assert seen == [expected, expected]


def test_sqlite_enforces_foreign_keys(tmp_path):
    db, path = sqlite_file_db(tmp_path)
    try:
        db.execute_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        db.execute_sql("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")
        with pytest.raises(pw.IntegrityError):
            db.execute_sql("INSERT INTO child VALUES (99)")
    finally:
        database.close_database(db)
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM child").fetchone()[0] == 0


def test_close_database_closes_every_sqlite_connection(tmp_path):
    db, path = sqlite_file_db(tmp_path)
    db.connect()
    db.execute_sql("CREATE TABLE t (x INTEGER)")

    def hold_a_connection() -> None:
        db.connect()
        db.execute_sql("SELECT count(*) FROM t")

    thread = threading.Thread(target=hold_a_connection)
    thread.start()
    thread.join()
    assert len(db._in_use) == 2
    database.close_database(db)
    assert db._connections == []
    assert db._in_use == {}
    # SQLite checkpoints and removes the WAL file when its last connection closes.
    assert not Path(f"{path}-wal").exists()


# --- SQLite in memory ---------------------------------------------------------------------


@pytest.fixture
def memory_db():
    db = database.build_database("sqlite:///:memory:")
    yield db
    database.close_database(db)


def test_in_memory_sqlite_is_a_pool_of_one_connection(memory_db):
    assert isinstance(memory_db, pw.SqliteDatabase)
    assert memory_db._max_connections == 1


def test_in_memory_tables_survive_closing_and_reconnecting(memory_db):
    memory_db.connect()
    memory_db.execute_sql("CREATE TABLE t (x INTEGER)")
    memory_db.execute_sql("INSERT INTO t VALUES (1)")
    memory_db.close()
    memory_db.connect()
    assert memory_db.execute_sql("SELECT x FROM t").fetchall() == [(1,)]
    memory_db.close()


def test_in_memory_database_works_from_another_thread(memory_db):
    memory_db.connect()
    memory_db.execute_sql("CREATE TABLE t (x INTEGER)")
    memory_db.close()
    errors = []

    def write() -> None:
        try:
            memory_db.connect()
            memory_db.execute_sql("INSERT INTO t VALUES (2)")
            memory_db.close()
        except Exception as error:  # reported in the main thread
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == []
    memory_db.connect()
    assert memory_db.execute_sql("SELECT x FROM t").fetchall() == [(2,)]
    memory_db.close()


def test_in_memory_sqlite_keeps_its_tables_past_the_stale_timeout(monkeypatch):
    memory = database.build_database("sqlite:///:memory:")
    with memory.connection_context():
        memory.execute_sql("CREATE TABLE kept (id INTEGER)")
    later = time.time() + 10 * database.POOL_OPTIONS["stale_timeout"]
    monkeypatch.setattr(time, "time", lambda: later)
    with memory.connection_context():
        assert "kept" in memory.get_tables()
    memory.close_all()
