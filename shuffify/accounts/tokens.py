"""A user's Spotify tokens: used, refreshed and stored, in web requests and background runs.

The refresh token lives encrypted in users.encrypted_refresh_token; a web
session keeps its access token encrypted with the session row, a background
run keeps it in memory. An access token is refreshed shortly before it
expires, or once after Spotify answers 401.

A refresh happens under a lock on the user's row (SELECT ... FOR UPDATE on
PostgreSQL, the write lock on SQLite), and first re-reads what another
request may just have stored: two requests refreshing at once then make one
refresh, and a rotated refresh token is never overwritten by an older one.
A token read under a fallback key is re-encrypted under the current key.
"""

from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timedelta

from shuffify.accounts import authorization
from shuffify.accounts.keys import Keys, Undecryptable
from shuffify.database import db, is_sqlite, write_transaction
from shuffify.models import LoginSession, User
from shuffify.spotify.errors import Revoked
from shuffify.spotify.oauth import OAuthClient, Tokens

EXPIRY_MARGIN = timedelta(seconds=60)


class TokenStore:
    """Reads, refreshes and stores one user's tokens."""

    def __init__(self, keys: Keys, oauth: OAuthClient, clock: Callable[[], datetime]):
        self.keys = keys
        self.oauth = oauth
        self.clock = clock
        self.background_tokens: dict[int, Tokens] = {}  # user id -> tokens, this process only

    def store_refresh_token(self, user: User, refresh_token: str) -> None:
        user.encrypted_refresh_token = self.keys.tokens.encrypt(refresh_token)
        user.save(only=[User.encrypted_refresh_token])

    def refresh(self, user_id: int) -> Tokens:
        """New tokens from the stored refresh token; Revoked when Spotify refuses it."""
        user = User.get_or_none(User.id == user_id)  # the caller holds user_lock
        if user is None or not user.encrypted_refresh_token:
            raise Revoked()
        try:
            refresh_token, stale = self.keys.tokens.decrypt(user.encrypted_refresh_token)
        except Undecryptable:
            raise GrantRefused() from None
        try:
            tokens = self.oauth.refresh(refresh_token, self.clock())
        except Revoked:
            raise GrantRefused() from None
        if tokens.refresh_token or stale:
            self.store_refresh_token(user, tokens.refresh_token or refresh_token)
        return tokens

    def session_access_token(self, user_id: int) -> str | None:
        """A still-valid access token of one of the user's login sessions, if any:
        background work then needs no refresh while the user is signed in."""
        newest = (
            LoginSession.select()
            .where(LoginSession.user == user_id)
            .order_by(LoginSession.access_token_expires_at.desc())
            .first()
        )
        if newest is None:
            return None
        return self.usable(newest.encrypted_access_token, newest.access_token_expires_at)

    def usable(self, encrypted: str | None, expires_at: datetime | None) -> str | None:
        """The access token when it is readable and not about to expire."""
        if not encrypted or expires_at is None or expires_at - EXPIRY_MARGIN <= self.clock():
            return None
        try:
            return self.keys.tokens.decrypt(encrypted)[0]
        except Undecryptable:
            return None


class SessionTokens:
    """The TokenSource of a web request: the login session's access token."""

    def __init__(self, store: TokenStore, session: LoginSession):
        self.store = store
        self.session = session

    def access_token(self) -> str:
        token = self.store.usable(
            self.session.encrypted_access_token, self.session.access_token_expires_at
        )
        return token or self.refresh(None)

    def refresh(self, rejected: str | None) -> str:
        with refused_grants_noted(self.store, self.session.user_id):
            return self._refresh(rejected)

    def _refresh(self, rejected: str | None) -> str:
        with user_lock(self.session.user_id):
            fresh = LoginSession.get_or_none(LoginSession.id == self.session.id)
            if fresh is None:
                raise Revoked()  # signed out meanwhile, in another tab
            token = self.store.usable(fresh.encrypted_access_token, fresh.access_token_expires_at)
            if token and token != rejected:
                return token  # another request of this session refreshed it meanwhile
            tokens = self.store.refresh(self.session.user_id)
            self.session.encrypted_access_token = self.store.keys.tokens.encrypt(
                tokens.access_token
            )
            self.session.access_token_expires_at = tokens.expires_at
            self.session.save(
                only=[LoginSession.encrypted_access_token, LoginSession.access_token_expires_at]
            )
        return tokens.access_token


class BackgroundTokens:
    """The TokenSource of background work: access tokens kept in this process's memory.

    One map per process (on the TokenStore), so the runs of one user share an
    access token until it nears expiry instead of refreshing at every run.
    """

    def __init__(self, store: TokenStore, user_id: int):
        self.store = store
        self.user_id = user_id

    def access_token(self) -> str:
        tokens = self.store.background_tokens.get(self.user_id)
        if tokens and tokens.expires_at - EXPIRY_MARGIN > self.store.clock():
            return tokens.access_token
        return self.store.session_access_token(self.user_id) or self.refresh(None)

    def refresh(self, rejected: str | None) -> str:
        with refused_grants_noted(self.store, self.user_id), user_lock(self.user_id):
            tokens = self.store.refresh(self.user_id)
        self.store.background_tokens[self.user_id] = tokens
        return tokens.access_token


class GrantRefused(Revoked):
    """Spotify refused the stored refresh token (expired after six months, or revoked)."""


@contextmanager
def refused_grants_noted(store: TokenStore, user_id: int):
    """After the lock's transaction: a refused grant discards the token and holds schedules."""
    try:
        yield
    except GrantRefused:
        authorization.needs_signin(user_id, store.clock())
        raise


@contextmanager
def user_lock(user_id: int):
    """A transaction holding the user's row (or SQLite's write lock) until it ends."""
    with write_transaction():
        if not is_sqlite(db):
            User.select(User.id).where(User.id == user_id).for_update().execute()
        yield
