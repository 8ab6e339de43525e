"""Bringing the database schema up to date at startup.

Production and development apply the numbered migrations with peewee-migrate
instead of creating tables from the models: creating tables cannot alter a
table that already exists. A file lock serialises the processes that start
together on one host, so each migration runs once. Testing creates the tables
directly, and so does a checkout without its migrations folder, with a warning.
"""

import logging
from pathlib import Path

import peewee as pw
from filelock import FileLock

from settings import Settings
from shuffify.models import MODELS

log = logging.getLogger(__name__)


def prepare_schema(database: pw.Database, settings: Settings) -> list[str]:
    """Make the schema current; return the names of the migrations applied."""
    if settings.app_env == "testing":
        database.create_tables(MODELS)
        return []
    if not settings.migrations_dir.is_dir():
        log.warning(
            "no migrations folder at %s: creating the tables from the models instead",
            settings.migrations_dir,
        )
        database.create_tables(MODELS)
        return []
    return apply_migrations(database, settings.migrations_dir, settings.migration_lock_file)


def apply_migrations(database: pw.Database, migrations_dir: Path, lock_file: Path) -> list[str]:
    """Apply pending migrations, one process at a time on this host."""
    from peewee_migrate import Router

    with FileLock(lock_file), database.connection_context():
        return Router(database, migrate_dir=migrations_dir).run()
