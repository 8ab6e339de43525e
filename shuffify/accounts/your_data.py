"""Everything Shuffify keeps about a user, as one JSON document (issue 23's export).

Built from the tables themselves (every model with a user_id, plus the
rows hanging off them: a schedule's runs, a history's steps, a rule's runs
and inbox), so a table added later is exported without anyone remembering
to: tests/accounts/test_your_data.py checks each table with a user_id
appears. Secrets never do: any column whose name holds "token" or "hash" is
left out (the encrypted refresh and access tokens, a session's id hash).
Binary columns are turned into something readable by the decoder given
for them (a snapshot's order), or else left out.
"""

from collections.abc import Callable
from datetime import datetime

import peewee as pw

from shuffify.accounts.signin import user_tables
from shuffify.models import MODELS, User, utcnow

SECRET_MARKS = ("token", "hash")


def export(user: User, decoders: dict[str, Callable[[bytes], object]]) -> dict:
    """{"exported_at", "profile", <table name>: [rows], ...}; decoders by "table.column"."""
    document = {"exported_at": utcnow().isoformat(), "profile": _row(user, decoders)}
    for model in user_tables():
        rows = list(model.select().where(model.user == user).order_by(model.id))
        document[model._meta.table_name] = [_row(row, decoders) for row in rows]
        for child, field in _children(model):
            ids = [row.id for row in rows]
            found = child.select().where(field.in_(ids)).order_by(child.id) if ids else []
            document[child._meta.table_name] = [_row(row, decoders) for row in found]
    return document


def _children(model) -> list:
    """(model, foreign key) of the tables without a user_id that hang off model's rows."""
    return [
        (child, field)
        for child in MODELS
        if "user" not in child._meta.fields
        for field in child._meta.refs
        if field.rel_model is model
    ]


def _row(row, decoders: dict) -> dict:
    table = row._meta.table_name
    out = {}
    for name, field in row._meta.fields.items():
        if any(mark in name for mark in SECRET_MARKS):
            continue
        key = field.object_id_name if isinstance(field, pw.ForeignKeyField) else name
        value = getattr(row, key)
        if isinstance(value, bytes | memoryview):
            decode = decoders.get(f"{table}.{name}")
            if decode is None:
                continue
            value = decode(bytes(value))
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out
