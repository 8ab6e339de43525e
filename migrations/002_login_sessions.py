"""002_login_sessions: server-side login sessions (sign in with Spotify).

Generated with `pw_migrate create --auto`, then read and tidied. The cookie
holds a session id; this table keeps only its SHA-256 (id_hash), the user,
and the session's access token encrypted. Frozen: never import the models.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class LoginSession(pw.Model):
        id = pw.AutoField()
        id_hash = pw.CharField(max_length=64, unique=True)
        user = pw.ForeignKeyField(
            column_name="user_id", field="id", model=migrator.orm["users"], on_delete="CASCADE"
        )
        encrypted_access_token = pw.TextField(null=True)
        access_token_expires_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        last_seen_at = pw.DateTimeField()

        class Meta:
            table_name = "login_sessions"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("login_sessions")
