"""GET /health: what Docker's healthcheck and monitoring poll.

It always answers 200: a 503 would make Docker restart a container whose
database is only briefly away. The body says whether the database answered a
real query just now; connect_timeout keeps an unreachable server from holding
the request for long.
"""

import logging
from datetime import UTC, datetime

import peewee as pw
from playhouse.pool import MaxConnectionsExceeded

log = logging.getLogger(__name__)


def database_answers(database: pw.Database) -> bool:
    """True when the database runs a query now."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except (pw.PeeweeException, MaxConnectionsExceeded) as error:
        log.warning("health check: database unavailable: %s", first_line(error))
        return False
    return True


def first_line(error: Exception) -> str:
    """The first line of an error's message: libpq's run over several."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def health_report(database: pw.Database, schema_ready: bool) -> dict:
    """Healthy when the database answers and every migration is applied."""
    answers = database_answers(database)
    return {
        "status": "healthy" if answers and schema_ready else "degraded",
        "timestamp": datetime.now(UTC).isoformat(),
        "checks": {
            "database": "ok" if answers else "unavailable",
            "migrations": "ok" if schema_ready else "pending",
        },
    }
