"""Spotify's accounts service: the authorization URL and the token endpoint.

Authorization Code flow with PKCE (S256) and `state`. Client credentials go
as HTTP Basic. A code exchange or a refresh is never repeated after a network
error: a code works once, and a refresh may rotate the refresh token, so a
repeat could lose the new one.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from shuffify.spotify.errors import Revoked, SpotifyError
from shuffify.spotify.sender import Sender

# Only what the features use; the original asked for four more it never used.
SCOPES = (
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-read-private",
    "user-library-read",  # Liked Songs, a rule's source
)
TOKEN_MAX_WAIT_S = 2.0


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    expires_at: datetime  # naive UTC
    refresh_token: str | None = field(default=None, repr=False)  # None: keep the old one


@dataclass(frozen=True)
class OAuthClient:
    sender: Sender
    accounts_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str

    def authorize_url(self, state: str, code_verifier: str) -> str:
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(SCOPES),
            "state": state,
            "code_challenge_method": "S256",
            "code_challenge": code_challenge(code_verifier),
        }
        return f"{self.accounts_url}/authorize?{urlencode(query)}"

    def exchange_code(self, code: str, code_verifier: str, now: datetime) -> Tokens:
        return self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": code_verifier,
            },
            now,
        )

    def refresh(self, refresh_token: str, now: datetime) -> Tokens:
        """New tokens; Revoked when Spotify no longer accepts the refresh token."""
        return self._token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}, now
        )

    def _token_request(self, form: dict, now: datetime) -> Tokens:
        credentials = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        reply = self.sender.send(
            "POST",
            f"{self.accounts_url}/api/token",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=urlencode(form).encode(),
            safe=False,
            max_wait_s=TOKEN_MAX_WAIT_S,
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        if reply.status == 400 and data.get("error") == "invalid_grant":
            raise Revoked()
        if reply.status != 200 or not data.get("access_token"):
            raise SpotifyError(reply.status, f"Spotify's token endpoint answered {reply.status}")
        return Tokens(
            access_token=data["access_token"],
            expires_at=now + timedelta(seconds=int(data.get("expires_in", 3600))),
            refresh_token=data.get("refresh_token"),
        )


def new_code_verifier() -> str:
    """A PKCE verifier: 86 characters of the allowed alphabet (43-128 allowed)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
