"""What every table shares: naive UTC timestamps, to_dict(), updated_at kept current."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, as the timestamp columns store it."""
    return datetime.now(UTC).replace(tzinfo=None)


class Serialisable:
    """to_dict() for JSON responses: every column but the private ones."""

    PRIVATE_FIELDS: frozenset[str] = frozenset()

    def to_dict(self) -> dict:
        return {
            field.column_name: _json_ready(getattr(self, field.column_name))
            for name, field in self._meta.fields.items()
            if name not in self.PRIVATE_FIELDS
        }


class TouchedOnSave:
    """Refreshes updated_at on every save(), as SQLAlchemy's onupdate did."""

    def save(self, force_insert=False, only=None):
        self.updated_at = utcnow()
        if only is not None:
            only = [*only, "updated_at"]
        return super().save(force_insert=force_insert, only=only)


def _json_ready(value):
    return value.isoformat() if isinstance(value, datetime) else value
