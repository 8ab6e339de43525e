"""The accounts tables: users (with the encrypted refresh token), login sessions,
and each user's settings (issue 23).

UserSettings is one row per user, made on first write: a user without a row
has the defaults, so nothing is stored for someone who never changed a thing.
The dashboard's preferences (order, favourites, hidden) and the two visit
marks behind "since your last visit" live on the same row: they are the
user's choices about their own pages, read together with the settings.
"""

import peewee as pw

from shuffify import database
from shuffify.models.base import Serialisable, TouchedOnSave, utcnow


# The models are plain BaseModel subclasses, with no intermediate model class:
# peewee-migrate's `create --auto` would take one for a table of its own.
class User(Serialisable, TouchedOnSave, database.BaseModel):
    spotify_id = pw.CharField(max_length=255, unique=True)
    display_name = pw.CharField(max_length=255, null=True)
    email = pw.CharField(max_length=255, null=True)
    profile_image_url = pw.CharField(max_length=1024, null=True)
    encrypted_refresh_token = pw.TextField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    # The sign-in that gave the current refresh token: Spotify ends it six months on.
    authorized_at = pw.DateTimeField(null=True)
    needs_signin = pw.BooleanField(default=False)

    PRIVATE_FIELDS = frozenset({"encrypted_refresh_token"})
    PROFILE_FIELDS = ("display_name", "email", "profile_image_url")

    class Meta:
        table_name = "users"

    @classmethod
    def save_profile(cls, spotify_id: str, profile: dict) -> "User":
        """Create the user or update their profile fields, in one transaction."""
        with cls._meta.database.atomic():
            user = cls.get_or_none(cls.spotify_id == spotify_id) or cls(spotify_id=spotify_id)
            for name, value in profile.items():
                setattr(user, name, value)
            user.save()
        return user


class LoginSession(database.BaseModel):
    """A signed-in browser. The cookie holds the id; the table only its hash."""

    id_hash = pw.CharField(max_length=64, unique=True)
    user = pw.ForeignKeyField(User, backref="login_sessions", on_delete="CASCADE")
    encrypted_access_token = pw.TextField(null=True)
    access_token_expires_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    last_seen_at = pw.DateTimeField(default=utcnow)
    device = pw.CharField(max_length=64, null=True)  # "Firefox on Linux"; never an IP address

    class Meta:
        table_name = "login_sessions"


class UserSettings(database.BaseModel):
    """A user's settings; absent until they change one (the defaults then apply)."""

    user = pw.ForeignKeyField(User, backref="settings", unique=True, on_delete="CASCADE")
    default_algorithm = pw.CharField(max_length=64, null=True)
    default_params = pw.JSONField(null=True)
    keep_added_dates = pw.BooleanField(default=False)
    auto_snapshots_kept = pw.IntegerField(default=30)
    timezone = pw.CharField(max_length=64, default="UTC")
    theme = pw.CharField(max_length=10, default="system")
    playlist_order = pw.JSONField(null=True)
    favourites = pw.JSONField(null=True)
    hidden = pw.JSONField(null=True)
    last_visit_at = pw.DateTimeField(null=True)
    previous_visit_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "user_settings"
