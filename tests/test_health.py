"""GET /health on a real database: healthy when it answers, degraded when it does not."""

from datetime import UTC, datetime, timedelta


def test_health_is_healthy_with_a_working_database(client):
    response = client.get("/health")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json["status"] == "healthy"
    assert response.json["checks"] == {"database": "ok", "migrations": "ok"}


def test_health_timestamp_is_current_utc_iso8601(client):
    stamp = datetime.fromisoformat(client.get("/health").json["timestamp"])
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
