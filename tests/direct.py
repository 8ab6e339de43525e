"""Looking at a database directly, on a connection of its own, never through the app.

The tests check what the app wrote with these, so a bug in the app's own
database code cannot hide itself.
"""

import sqlite3

import psycopg2

from shuffify.schema import HISTORY_TABLE


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:")


def sqlite_path(url: str) -> str:
    return url[len("sqlite:///") :]


def query(url: str, sql: str, *params) -> list[tuple]:
    """Rows of one statement (written with %s placeholders), autocommitted."""
    if is_sqlite(url):
        connection = sqlite3.connect(sqlite_path(url), isolation_level=None)
        try:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def tables(url: str) -> set[str]:
    if is_sqlite(url):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return {name for (name,) in query(url, sql)}


def history(url: str) -> list[tuple]:
    """migratehistory as (id, name, migrated_at) rows; [] when the table does not exist."""
    if HISTORY_TABLE not in tables(url):
        return []
    return query(url, f"SELECT id, name, migrated_at FROM {HISTORY_TABLE} ORDER BY id")


def history_names(url: str) -> list[str]:
    return [name for _, name, _ in history(url)]
