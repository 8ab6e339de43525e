"""Bringing the database schema up to date at startup.

Production and development apply the numbered migrations with peewee-migrate
instead of creating tables from the models: creating tables cannot alter a
table that already exists. Testing creates the tables directly, and so does a
checkout without its migrations folder, with a warning.

Each migration must run exactly once however many replicas start together:

- a file lock serialises the processes on one host;
- one database transaction spans the whole run and first takes a database
  lock, which serialises processes on different hosts. On PostgreSQL that is
  pg_advisory_xact_lock: a session-level advisory lock is unsafe behind
  PgBouncer in transaction mode, where the lock and the unlock can land on
  different server connections (and the lock then outlives the process), but
  a transaction-scoped lock lives and dies with the one transaction PgBouncer
  pins to one server connection. On SQLite it is BEGIN IMMEDIATE, the file's
  write lock. The history table is created inside that transaction, so two
  processes never create it at once.

All pending migrations commit together or not at all: a failed or killed run
leaves schema and history as they were, and its locks go with it. When the
database cannot be reached, SchemaState retries in the background with a
capped backoff while the app serves /health as degraded.
"""

import logging
import re
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import peewee as pw

from settings import Settings
from shuffify.health import database_answers, first_line
from shuffify.models import MODELS

log = logging.getLogger(__name__)
# peewee-migrate logs a failing migration with its traceback; MigrationFailed
# reports it in one line instead, so the router's records with a traceback go.
ROUTER_LOG = logging.getLogger(f"{__name__}.router")
ROUTER_LOG.addFilter(lambda record: record.exc_info is None)

# Any constant bigint; "shuffify" in ASCII, so it reads as ours in pg_locks.
ADVISORY_LOCK_KEY = 0x73687566666966
RETRY_DELAYS_S = (0.5, 1, 2, 4, 5)  # then every 5 s
HISTORY_TABLE = "migratehistory"  # peewee-migrate's default
MIGRATION_FILE = re.compile(r"\d{3}_[^.]+\.py$")  # peewee-migrate's Router.filemask


class MigrationFailed(Exception):
    """A migration raised an error while the database was answering."""

    def __init__(self, name: str, error: Exception):
        super().__init__(f"migration {name} failed: {first_line(error)}")


def prepare_schema(database: pw.Database, settings: Settings) -> list[str]:
    """Make the schema current; return the names of the migrations applied."""
    if settings.app_env == "testing":
        _create_tables(database)
        return []
    if not settings.migrations_dir.is_dir():
        log.warning(
            "no migrations folder at %s: creating the tables from the models instead",
            settings.migrations_dir,
        )
        _create_tables(database)
        return []
    if not pending_migrations(database, settings.migrations_dir):
        return []
    return apply_migrations(database, settings.migrations_dir, settings.migration_lock_file)


def _create_tables(database: pw.Database) -> None:
    # The connection goes back to the pool: an in-memory database has only one.
    with database.connection_context():
        database.create_tables(MODELS)


def pending_migrations(database: pw.Database, migrations_dir: Path) -> list[str]:
    """Migrations in the folder that the history table does not list.

    Read without any lock, so that a start on a current database neither
    waits for a lock nor imports peewee-migrate (measured: a third of the
    startup time, and memory held for the life of the process).
    apply_migrations() asks again under its locks.
    """
    names = sorted(p.stem for p in migrations_dir.iterdir() if MIGRATION_FILE.match(p.name))
    with database.connection_context():
        if HISTORY_TABLE not in database.get_tables():
            return names
        done = {name for (name,) in database.execute_sql(f"SELECT name FROM {HISTORY_TABLE}")}
    return [name for name in names if name not in done]


def apply_migrations(database: pw.Database, migrations_dir: Path, lock_file: Path) -> list[str]:
    """Apply pending migrations once, whatever else is starting on this database."""
    from filelock import FileLock
    from peewee_migrate import Router

    # Building router.migrator replays the applied migrations with peewee's
    # execute_sql patched process-wide (unittest.mock). A request served by
    # another thread meanwhile may meet that patch; the schema is not ready
    # then, so /health reports degraded whatever its query saw and /api is 503.
    with FileLock(lock_file), database.connection_context(), _database_lock(database):
        router = Router(database, migrate_dir=migrations_dir, logger=ROUTER_LOG)
        applied = []
        for name in router.diff:
            try:
                router.run_one(name, router.migrator, fake=False)
            except Exception as error:
                raise MigrationFailed(name, error) from error
            applied.append(name)
        return applied


@contextmanager
def _database_lock(database: pw.Database):
    if isinstance(database, pw.PostgresqlDatabase):
        with database.atomic():
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            yield
    else:
        with database.atomic(lock_type="IMMEDIATE"):
            yield


class SchemaState:
    """Whether the schema is current, and the background retry until it is."""

    def __init__(self, database: pw.Database, settings: Settings):
        self.database = database
        self.settings = settings
        self.ready = threading.Event()
        self._stop = threading.Event()

    def prepare(self) -> bool:
        """One attempt. False when the database is unreachable; raises MigrationFailed."""
        try:
            applied = prepare_schema(self.database, self.settings)
        except MigrationFailed:
            if database_answers(self.database):
                raise
            log.warning("database went away during migrations; will retry")
            return False
        except (pw.OperationalError, pw.InterfaceError) as error:
            log.warning("database unreachable, migrations pending: %s", first_line(error))
            return False
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        self.ready.set()
        return True

    def retry_in_background(self, on_fatal: Callable[[str], None]) -> None:
        """Retry prepare() with capped backoff until it succeeds or fails for good."""
        threading.Thread(
            target=self._retry, args=(on_fatal,), name="schema-retry", daemon=True
        ).start()

    def _retry(self, on_fatal: Callable[[str], None]) -> None:
        attempt = 0
        while not self._stop.wait(RETRY_DELAYS_S[min(attempt, len(RETRY_DELAYS_S) - 1)]):
            attempt += 1
            try:
                if self.prepare():
                    return
            except MigrationFailed as failure:
                on_fatal(str(failure))
                return

    def stop(self) -> None:
        self._stop.set()
