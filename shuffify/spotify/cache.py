"""A short, per-user cache of playlist items, keyed by the playlist's snapshot_id.

Showing a playlist and then shuffling it read the same items twice, one call
per 50. A playlist's snapshot_id changes with every change to it, so items
read under a snapshot are still exactly right while the metadata (one call,
made anyway) reports that snapshot: the cache saves every page but the
check, and never serves an order that is out of date. Entries live a short
while, belong to one user (a user never sees another's), and our own writes
forget them.
"""

import threading
import time
from collections import OrderedDict

TTL_S = 60
MAX_ITEMS = 10_000  # tracks kept in all, about 7 MB: the oldest playlists go first


class ItemsCache:
    """Per process: (user, playlist) -> (snapshot_id, items, stored at)."""

    def __init__(self, ttl_s: float = TTL_S, max_items: int = MAX_ITEMS):
        self.ttl_s = ttl_s
        self.max_items = max_items
        self._items = 0
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def for_user(self, user_key: int) -> "UserItemsCache":
        return UserItemsCache(self, user_key)

    def get(self, key: tuple, snapshot_id: str | None) -> list[dict] | None:
        """The items read under this snapshot, if still fresh."""
        if not snapshot_id:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != snapshot_id or time.monotonic() - entry[2] > self.ttl_s:
                return None
            return list(entry[1])

    def put(self, key: tuple, snapshot_id: str | None, items: list[dict]) -> None:
        if not snapshot_id:
            return
        if not snapshot_id or len(items) > self.max_items:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (snapshot_id, list(items), time.monotonic())
            self._items += len(items)
            while self._items > self.max_items:
                self._drop(next(iter(self._entries)))

    def forget(self, key: tuple) -> None:
        with self._lock:
            self._drop(key)

    def _drop(self, key: tuple) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._items -= len(entry[1])


class UserItemsCache:
    """One user's view of the cache: keys are that user's alone."""

    def __init__(self, cache: ItemsCache, user_key: int):
        self.cache = cache
        self.user_key = user_key

    def get(self, playlist_id: str, snapshot_id: str | None):
        return self.cache.get((self.user_key, playlist_id), snapshot_id)

    def put(self, playlist_id: str, snapshot_id: str | None, items: list[dict]) -> None:
        self.cache.put((self.user_key, playlist_id), snapshot_id, items)

    def forget(self, playlist_id: str) -> None:
        self.cache.forget((self.user_key, playlist_id))


class NoCache:
    """For clients that must always read Spotify (the sign-in itself)."""

    def get(self, playlist_id: str, snapshot_id: str | None):
        return None

    def put(self, playlist_id: str, snapshot_id: str | None, items: list[dict]) -> None:
        pass

    def forget(self, playlist_id: str) -> None:
        pass
