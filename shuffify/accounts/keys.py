"""Keys derived from SECRET_KEY, one per purpose, and what they protect.

HKDF-SHA256 turns the root secret into a separate key for each purpose, so a
key that leaks for one use (say the CSRF tokens) reveals nothing of another
(the stored refresh tokens). HKDF is one hash per key: the original's
480,000-round PBKDF2 cost a third of a second at every start for nothing,
since SECRET_KEY is already a random secret, not a password.

Tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package). Rotating SECRET_KEY: the old key goes into
SECRET_KEY_FALLBACKS; whatever was encrypted under it still decrypts, and
reads tell the caller to re-encrypt it under the current key.

`cryptography` is imported, and the keys derived, on first use rather than at
startup: its import is a fifth of the app's start.
"""

import base64
import hashlib
import hmac
import secrets
from functools import cached_property

TOKEN_PURPOSE = b"shuffify token encryption v1"
LOGIN_FLOW_PURPOSE = b"shuffify login flow v1"
CSRF_PURPOSE = b"shuffify csrf v1"


class Undecryptable(Exception):
    """A ciphertext that no current or fallback key opens (or that was tampered with)."""


def derive_key(secret_key: str, purpose: bytes) -> bytes:
    """32 bytes for one purpose, from the root secret."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
    return hkdf.derive(secret_key.encode())


class Cipher:
    """Encrypts under the current key; decrypts under it or any fallback."""

    def __init__(self, secret_key: str, fallbacks: tuple[str, ...], purpose: bytes):
        self._current = self._fernet(secret_key, purpose)
        self._fallbacks = [self._fernet(key, purpose) for key in fallbacks]

    @staticmethod
    def _fernet(secret_key: str, purpose: bytes):
        from cryptography.fernet import Fernet

        return Fernet(base64.urlsafe_b64encode(derive_key(secret_key, purpose)))

    def encrypt(self, plaintext: str) -> str:
        return self._current.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str, max_age_s: int | None = None) -> tuple[str, bool]:
        """The plaintext, and whether it was under a fallback key (re-encrypt it)."""
        from cryptography.fernet import InvalidToken

        for fernet, stale in ((self._current, False), *((f, True) for f in self._fallbacks)):
            try:
                return fernet.decrypt(ciphertext.encode(), ttl=max_age_s).decode(), stale
            except InvalidToken:
                continue
        raise Undecryptable("no key opens this value")


class Keys:
    """Every key the app uses, each derived once, when first needed."""

    def __init__(self, secret_key: str, fallbacks: tuple[str, ...] = ()):
        self._secret_key = secret_key
        self._fallbacks = fallbacks

    @cached_property
    def tokens(self) -> Cipher:
        return Cipher(self._secret_key, self._fallbacks, TOKEN_PURPOSE)

    @cached_property
    def login_flow(self) -> Cipher:
        return Cipher(self._secret_key, (), LOGIN_FLOW_PURPOSE)

    @cached_property
    def _csrf_key(self) -> bytes:
        return derive_key(self._secret_key, CSRF_PURPOSE)

    def csrf_token(self, session_id: str) -> str:
        """The CSRF token of a login session: derived, so nothing more is stored."""
        digest = hmac.new(self._csrf_key, session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def csrf_matches(self, session_id: str, given: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session_id).encode(), given.encode())


def new_session_id() -> str:
    """An unguessable login session id: 256 random bits."""
    return secrets.token_urlsafe(32)


def session_id_hash(session_id: str) -> str:
    """What the database keeps of a session id: a leaked table opens no session."""
    return hashlib.sha256(session_id.encode()).hexdigest()
