"""The database, built in one place from the resolved DATABASE_URL.

Models bind to `db`, a DatabaseProxy, so importing them connects to nothing
and a test can point them at any database. build_database() turns a URL into
a peewee database through playhouse.db_url:

- PostgreSQL: a PooledPostgresqlDatabase (CheckedPostgresqlPool) of at most
  5 connections, each recycled after 300 s, that checks a connection on
  checkout and discards a dead one, in place of SQLAlchemy's pool_pre_ping.
- SQLite: a PooledSqliteDatabase with the pragmas a threaded web server
  wants. Pooled because opening a connection per request cost more than the
  rest of a /health request: setting the pragmas, and on closing the last
  connection a WAL checkpoint (measured: 330 us of 400 us). In memory, the
  pool holds exactly one connection, because an in-memory database lives only
  as long as its connection.
"""

import select
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import peewee as pw
from playhouse import db_url
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase

db = pw.DatabaseProxy()

POOL_OPTIONS = {
    "max_connections": 5,
    "stale_timeout": 300,  # seconds; a connection older than this is recycled
    "timeout": 10,  # seconds a request waits for a free connection
}
# libpq waits this long for a server before giving up; a URL may set its own.
CONNECT_TIMEOUT_S = 2
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),  # readers do not block the writer
    ("busy_timeout", 5000),  # wait for a lock instead of failing at once
    ("foreign_keys", 1),  # SQLite ignores FOREIGN KEY clauses without it
    ("synchronous", "normal"),  # safe with WAL, and much faster than FULL
)
SQLITE_MEMORY = ":memory:"


class CheckedPostgresqlPool(PooledPostgresqlDatabase):
    """Peewee's PostgreSQL pool with a checkout check that needs no round trip.

    Peewee checks an idle pooled connection with SELECT 1 on every checkout:
    half the database work of a /health request. An idle connection in
    autocommit mode receives nothing unsolicited from the server (we never
    LISTEN), except the FATAL message and end-of-file of a backend that was
    terminated, shut down or lost its postmaster. So a socket with something
    to read means a dead connection, which is discarded as before; the
    connection state checks stay peewee's own.
    """

    def _is_closed(self, conn) -> bool:
        if conn.closed or self._adapter.txn_status(conn) != self._adapter.txn_idle:
            return super()._is_closed(conn)
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable)


class BaseModel(pw.Model):
    class Meta:
        database = db


def build_database(url: str) -> pw.Database:
    """Return an unconnected peewee database for a resolved URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return _build_sqlite(url, parts.path[1:])
    params = dict(POOL_OPTIONS)
    if "connect_timeout" not in parse_qs(parts.query):
        params["connect_timeout"] = CONNECT_TIMEOUT_S
    params.update(db_url.parse(url, unquote_password=True, unquote_user=True))
    return CheckedPostgresqlPool(**params)


def _build_sqlite(url: str, path: str) -> pw.Database:
    options = dict(POOL_OPTIONS, pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if path == SQLITE_MEMORY:
        # One connection, never recycled: a new one would be an empty database.
        options.update(max_connections=1, stale_timeout=None)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return db_url.connect(url.replace("sqlite://", "sqlite+pool://", 1), **options)


def init_database(url: str) -> pw.Database:
    """Build the database for url and bind the models to it."""
    database = build_database(url)
    db.initialize(database)
    return database


def close_database(database: pw.Database) -> None:
    """Close every pooled connection, or the calling thread's connection."""
    if isinstance(database, PooledDatabase):
        database.close_all()
    else:
        database.close()


def is_sqlite(database: pw.Database) -> bool:
    return isinstance(getattr(database, "obj", database), pw.SqliteDatabase)


@contextmanager
def write_transaction(database: pw.Database = db):
    """A transaction that will write: on SQLite it takes the write lock up front.

    A deferred SQLite transaction that reads, then writes while another
    process writes, fails at once with "database is locked" (the busy timeout
    cannot help a transaction that already read); BEGIN IMMEDIATE waits for
    the lock instead. PostgreSQL locks rows as it goes.
    """
    if is_sqlite(database):
        with database.atomic(lock_type="IMMEDIATE"):
            yield
    else:
        with database.atomic():
            yield


def release_idle_connection(database: pw.Database = db) -> None:
    """Give this thread's connection back to the pool, unless a transaction holds it.

    Called before every call to Spotify: a request waits there hundreds of
    milliseconds, and holding a pooled connection meanwhile starved the pool
    (5 connections) as soon as more threads than that were waiting, /health
    included. The next query takes a connection again.
    """
    if database.is_closed() or database.in_transaction() or database._state.ctx:
        return  # a transaction needs it, or a connection_context() owns it
    database.close()


@contextmanager
def released_after(database: pw.Database = db):
    """Use connections as needed (released around Spotify calls), and none afterwards.

    For background threads; unlike peewee's connection_context(), it lets
    release_idle_connection() give the connection back in between.
    """
    try:
        yield
    finally:
        if not database.is_closed():
            database.close()
