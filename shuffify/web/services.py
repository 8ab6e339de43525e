"""What the routes and background work share, built once per app from the settings."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from settings import Settings
from shuffify.accounts.keys import Keys
from shuffify.accounts.tokens import BackgroundTokens, TokenStore
from shuffify.database import release_idle_connection
from shuffify.limits.gate import Gate
from shuffify.models import User, utcnow
from shuffify.playlists import claims
from shuffify.spotify import Sender, Spotify
from shuffify.spotify.cache import ItemsCache
from shuffify.spotify.oauth import OAuthClient

BACKGROUND_MAX_WAIT_S = 60.0  # a background run may wait this long for a rate limit


@dataclass
class Services:
    settings: Settings
    keys: Keys
    sender: Sender
    oauth: OAuthClient
    tokens: TokenStore
    schema_ready: Callable[[], bool]
    clock: Callable[[], datetime] = utcnow
    items_cache: ItemsCache = field(default_factory=ItemsCache)
    wake_runner: Callable[[], None] = lambda: None

    def retry_write(self, user: User, playlist_id: str) -> None:
        """Complete an interrupted write of user's playlist in the background."""
        from shuffify.playlists import changes  # the change path: loaded with the first route

        changes.retry_in_background(
            self.background_spotify(user, "retry"), user, playlist_id, User._meta.database
        )

    def background_spotify(self, user: User, feature: str = "schedule") -> Spotify:
        """A client acting as user outside any request, from their stored refresh token."""
        return Spotify(
            self.sender,
            self.settings.spotify_api_url,
            BackgroundTokens(self.tokens, user.id),
            max_wait_s=BACKGROUND_MAX_WAIT_S,
            cache=self.items_cache.for_user(user.id),
            before_wait=release_idle_connection,
            gate=Gate(user.id, feature, lambda: self.clock()),
        )


def build_services(settings: Settings, schema_ready: Callable[[], bool]) -> Services:
    claims.configure(settings.playlist_lease_s)
    keys = Keys(settings.secret_key, settings.secret_key_fallbacks)
    sender = Sender(pool_size=settings.threads + 2)
    oauth = OAuthClient(
        sender=sender,
        accounts_url=settings.spotify_accounts_url,
        client_id=settings.spotify_client_id,
        client_secret=settings.spotify_client_secret,
        redirect_uri=settings.spotify_redirect_uri,
    )
    services = Services(settings, keys, sender, oauth, None, schema_ready)
    services.tokens = TokenStore(keys, oauth, lambda: services.clock())
    return services
