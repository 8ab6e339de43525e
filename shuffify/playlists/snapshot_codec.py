"""Snapshots as bytes for a database column, and the difference between two versions.

Shuffify keeps every version it sees or makes of a playlist (issue 19), up to
10,000 items each and at most 300 KB in the database. A track or episode URI
is 14 or 16 characters of prefix and a 22-character base62 id, and the id is
a 128-bit number (Spotify's gid): stored as those 16 bytes it costs what its
randomness costs, where compressed text costs about 18 bytes an item.

The encoding is one format byte, then zlib of: the item count (varint), one
kind byte per item (track or episode with a 16- or 17-byte id, unavailable,
or any other text), every id's bytes, then every text as varint length and
UTF-8. The kinds are nearly all alike and compress to almost nothing; ids
are kept apart from them so nothing interleaves with the incompressible
bytes. An id of 22 base62 digits that is not below 2**128 (the tests' fake
Spotify makes such ids) takes 17 bytes; anything else (local files, odd
strings) is kept as text: decoding always gives back the very list.

Measured (tests/playlists/test_snapshot_codec.py pins the bounds): 10,000
distinct track URIs with real-shaped ids encode to 160,152 bytes (16.0 bytes
an item; the same text newline-joined and zlib-compressed takes 177,638);
with the fake Spotify's ids, 169,903 bytes. That is the floor for random ids,
and 53% of the 300 KB allowed. Copies within zlib's 32 KB window (about
2,000 items) cost almost nothing: 10,000 copies of one track take 190 bytes.
"""

import re
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence

from shuffify.playlists.merge import surplus

FORMAT = 1
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGIT = {character: value for value, character in enumerate(ALPHABET)}
BASE62_ID = re.compile(r"[0-9A-Za-z]{22}")
SHORT_ID_LIMIT = 2**128  # every id Spotify issues is below it

# Kinds: (prefix, id bytes) for ids; then an unavailable entry, then any text.
ID_KINDS = (
    ("spotify:track:", 16),
    ("spotify:track:", 17),
    ("spotify:episode:", 16),
    ("spotify:episode:", 17),
)
UNAVAILABLE = len(ID_KINDS)
TEXT = UNAVAILABLE + 1


class CorruptSnapshot(ValueError):
    """Bytes that decode() did not write."""


def encode(uris: Sequence[str | None]) -> bytes:
    """The list as compact bytes; decode() gives it back exactly."""
    kinds, ids, texts = bytearray(), bytearray(), bytearray()
    for uri in uris:
        kind, payload = _encoded_item(uri)
        kinds.append(kind)
        (texts if kind == TEXT else ids).extend(payload)
    body = _varint(len(kinds)) + kinds + ids + texts
    return bytes([FORMAT]) + zlib.compress(bytes(body), 9)


def _encoded_item(uri: str | None) -> tuple[int, bytes]:
    if uri is None:
        return UNAVAILABLE, b""
    if not isinstance(uri, str):
        raise TypeError(f"a snapshot holds URIs or None, not {type(uri).__name__}")
    for prefix in ("spotify:track:", "spotify:episode:"):
        if uri.startswith(prefix) and BASE62_ID.fullmatch(uri, len(prefix)):
            return _encoded_id(prefix, _base62_value(uri[len(prefix) :]))
    text = uri.encode("utf-8", "surrogatepass")
    return TEXT, _varint(len(text)) + text


def _encoded_id(prefix: str, value: int) -> tuple[int, bytes]:
    width = 16 if value < SHORT_ID_LIMIT else 17
    return ID_KINDS.index((prefix, width)), value.to_bytes(width, "big")


def _base62_value(digits: str) -> int:
    value = 0
    for character in digits:
        value = value * 62 + DIGIT[character]
    return value


def _base62_digits(value: int) -> str:
    digits = []
    for _ in range(22):
        value, digit = divmod(value, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def decode(data: bytes) -> list[str | None]:
    """The list encode() was given; CorruptSnapshot for anything else."""
    if not data or data[0] != FORMAT:
        raise CorruptSnapshot("not a snapshot of format 1")
    try:
        body = zlib.decompress(data[1:])
    except zlib.error as error:
        raise CorruptSnapshot(f"not a snapshot: {error}") from None
    try:
        return _Reader(body).items()
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise CorruptSnapshot(f"not a snapshot: {error}") from None


class _Reader:
    """Reads the body: the count, the kinds, the ids section and the texts section."""

    def __init__(self, body: bytes):
        self.body = body
        self.offset = 0

    def items(self) -> list[str | None]:
        count = self.varint()
        kinds = self.take(count)
        ids = _Reader(self.take(sum(ID_KINDS[k][1] for k in kinds if k < UNAVAILABLE)))
        items = [self.item(kind, ids) for kind in kinds]
        if self.offset != len(self.body):
            raise ValueError("bytes left over")
        return items

    def item(self, kind: int, ids: "_Reader") -> str | None:
        if kind < UNAVAILABLE:
            prefix, width = ID_KINDS[kind]
            return prefix + _base62_digits(int.from_bytes(ids.take(width), "big"))
        if kind == UNAVAILABLE:
            return None
        if kind == TEXT:
            return self.take(self.varint()).decode("utf-8", "surrogatepass")
        raise ValueError(f"unknown item kind {kind}")

    def take(self, length: int) -> bytes:
        end = self.offset + length
        if end > len(self.body):
            raise ValueError("truncated")
        chunk, self.offset = self.body[self.offset : end], end
        return chunk

    def varint(self) -> int:
        number = shift = 0
        while True:
            byte = self.body[self.offset]
            self.offset += 1
            number |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return number


def diff(a: Sequence[str | None], b: Sequence[str | None]) -> dict:
    """How b (the live playlist, or a later snapshot) differs from a, counting duplicates.

    - "added": the items of b beyond their count in a, in b's order (of several
      copies, the last ones); "removed": the same of a against b.
    - The other items are common: the k-th copy of a URI in a is paired with
      its k-th copy in b. "unchanged" is the largest number of pairs that are
      in the same order in both lists (a longest increasing subsequence of
      their positions in b, in O(n log n)); "moved" is the rest, the fewest
      items to move to turn the common part of a into that of b.

    unchanged + moved == len(a) - len(removed) == len(b) - len(added). With no
    URI repeated, unchanged is the longest common subsequence; with copies
    interleaved it can be less (pairing copies in order is what keeps it
    O(n log n) where the exact LCS is quadratic).
    """
    paired = _paired_positions(a, b)
    unchanged = _longest_increasing_length(paired)
    return {
        "added": surplus(b, Counter(a)),
        "removed": surplus(a, Counter(b)),
        "moved": len(paired) - unchanged,
        "unchanged": unchanged,
    }


def _paired_positions(a: Sequence, b: Sequence) -> list[int]:
    """For each item of a in order that has a partner in b, its partner's position in b."""
    positions = defaultdict(list)
    for position, uri in enumerate(b):
        positions[uri].append(position)
    copies_seen = Counter()
    paired = []
    for uri in a:
        copy = copies_seen[uri]
        copies_seen[uri] += 1
        if copy < len(positions[uri]):
            paired.append(positions[uri][copy])
    return paired


def _longest_increasing_length(numbers: Sequence[int]) -> int:
    """Patience sorting: tails[k] is the smallest end of an increasing run of length k+1."""
    tails: list[int] = []
    for number in numbers:
        index = bisect_left(tails, number)
        if index == len(tails):
            tails.append(number)
        else:
            tails[index] = number
    return len(tails)
