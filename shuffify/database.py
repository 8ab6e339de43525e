"""The database, built in one place from the resolved DATABASE_URL.

Models bind to `db`, a DatabaseProxy, so importing them connects to nothing
and a test can point them at any database. build_database() turns a URL into
a peewee database through playhouse.db_url:

- PostgreSQL: a PooledPostgresqlDatabase of at most 5 connections, each
  recycled after 300 s. Peewee 4's pool checks a connection on checkout and
  discards a dead one, which replaces SQLAlchemy's pool_pre_ping.
- SQLite file: SqliteDatabase with the pragmas a threaded web server wants.
- SQLite in memory: a pool of exactly one connection, because an in-memory
  database lives only as long as its connection and every request closes its
  own.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import peewee as pw
from playhouse import db_url
from playhouse.pool import PooledDatabase

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
    pooled_url = url.replace("postgresql://", "postgresql+pool://", 1)
    return db_url.connect(pooled_url, unquote_password=True, unquote_user=True, **params)


def _build_sqlite(url: str, path: str) -> pw.Database:
    if path == SQLITE_MEMORY:
        return db_url.connect(
            "sqlite+pool:///:memory:",
            max_connections=1,
            timeout=10,
            check_same_thread=False,
            pragmas=SQLITE_PRAGMAS,
        )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return db_url.connect(url, pragmas=SQLITE_PRAGMAS)


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
