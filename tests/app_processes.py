"""Real `python app.py` processes signed in to the fake Spotify, shared by the tests that
need several processes on one database (recovery, the pause, rules across replicas)."""

from app_settings import spotify_settings
from pg_cluster import free_port
from signed_in import SignedIn
from wsgi_client import Client

from shuffify import database
from shuffify.web.app import create_app


def signed_in_session(fake, url: str, make_settings, secret_key: str) -> SignedIn:
    """Ada signed in on a migrated database; her cookies work on any process of it."""
    values = spotify_settings(fake, DATABASE_URL=url, SECRET_KEY=secret_key, APP_ENV="development")
    app = create_app(make_settings(**values))
    try:
        fake.add_user("ada", "Ada")
        return SignedIn.through(Client(app), fake, "ada")
    finally:
        database.close_database(database.db.obj)


def process_settings(fake, url: str, secret_key: str, **extra: str) -> dict[str, str]:
    """The settings of a migrating process on a free port, against the fake Spotify."""
    port = free_port()
    return {
        **spotify_settings(fake),
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "PORT": str(port),
        "SPOTIFY_REDIRECT_URI": f"http://127.0.0.1:{port}/callback",
        "SECRET_KEY": secret_key,
        **extra,
    }
