"""Made-up music for the fake Spotify: what `make demo` and the browser tests show.

seed_demo(fake) adds a demo user who owns a few ordinary playlists (varied artists and
albums), one with local files, one of 1,000 tracks, collaborates on someone else's
playlist and follows a third person's public playlist (Spotify shares only its details).
More tracks are in the catalog only, to be found by search. Everything is deterministic:
the same ids, names and covers on every run. Covers are small data: SVGs, so that nothing
is fetched from Spotify's image servers. This lives in tests/: nothing of it is reachable
from the app.
"""

import hashlib
from urllib.parse import quote

DEMO_USER = "demo"
DEMO_NAME = "Demo Listener"
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

ARTISTS = (
    "The Paper Lanterns",
    "Nova Quay",
    "Juniper & the Owls",
    "Marlo Vance",
    "Static Orchard",
    "Dune Harbor",
    "Kasia Wren",
    "Low Tide Choir",
    "Felix Amaro",
    "Glass Meridian",
    "Ruby Halloway",
    "Northern Cassette",
    "Odessa Lane",
    "The Velvet Ferns",
    "Tomás Reyes",
    "Amber Signal",
    "Hollow Pines",
    "Sunday Static",
    "Iris Calloway",
    "Metro Gnomes",
    "Pale Monarch",
    "Lina Sørensen",
    "Copper Kites",
    "Echo Park Radio",
    "Wilder Hours",
)  # 25 artists x 4 albums x 10 songs: the 1,000 tracks of the large playlist
SEARCH_ONLY_ARTISTS = ("Moss & Mirrors", "Quiet Arcade", "Delphine Roux")
ALBUM_WORDS = (
    "Blue",
    "Paper",
    "Golden",
    "Midnight",
    "Quiet",
    "Electric",
    "Wild",
    "Silver",
    "Hidden",
    "Northern",
    "Velvet",
    "Slow",
)
ALBUM_NOUNS = ("Hours", "Rivers", "Signals", "Gardens", "Maps", "Lights", "Tides", "Rooms")
SONG_WORDS = (
    "Falling",
    "Golden",
    "Paper",
    "Neon",
    "Late",
    "Open",
    "Lonely",
    "Bright",
    "Broken",
    "Sleepy",
    "Summer",
    "Winter",
    "Little",
    "Runaway",
    "Careful",
    "Electric",
)
SONG_NOUNS = (
    "Heart",
    "Window",
    "Highway",
    "Letters",
    "Morning",
    "Static",
    "Harbour",
    "Satellites",
    "Weather",
    "Kingdom",
    "Echoes",
    "Balloon",
    "Garden",
    "Telephone",
    "Rain",
    "Fireworks",
)


def demo_id(*parts: str) -> str:
    """A 22-character base62 id, the same for the same parts."""
    number = int.from_bytes(hashlib.sha256("\0".join(("demo", *parts)).encode()).digest(), "big")
    digits = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        digits.append(BASE62[digit])
    return "".join(digits)


def cover(seed: str) -> str:
    """A small square picture as a data: URI: two colours and a circle, from seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] * 360 // 256
    other = (hue + 40 + digest[1] % 120) % 360
    x, y, r = 8 + digest[2] % 16, 8 + digest[3] % 16, 6 + digest[4] % 8
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'>"
        f"<rect width='32' height='32' fill='hsl({hue},55%,42%)'/>"
        f"<circle cx='{x}' cy='{y}' r='{r}' fill='hsl({other},70%,70%)'/>"
        f"<rect y='24' width='32' height='8' fill='hsl({hue},45%,28%)'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:=',()")


def _albums(artist: str, count: int) -> list[str]:
    digest = hashlib.sha256(artist.encode()).digest()
    return [
        f"{ALBUM_WORDS[(digest[i] + i) % len(ALBUM_WORDS)]} "
        f"{ALBUM_NOUNS[(digest[i + 8] + 3 * i) % len(ALBUM_NOUNS)]}"
        + (f" {['', 'II', 'Live', 'Sessions'][i]}" if i else "")
        for i in range(count)
    ]


def _tracks(fake, artists: tuple[str, ...], albums: int, songs: int) -> list[dict]:
    tracks = []
    for artist in artists:
        for album in _albums(artist, albums):
            art = cover(f"{artist}/{album}")
            for n in range(songs):
                digest = hashlib.sha256(f"{artist}/{album}/{n}".encode()).digest()
                name = f"{SONG_WORDS[digest[0] % 16]} {SONG_NOUNS[digest[1] % 16]}"
                featuring = ARTISTS[digest[2] % len(ARTISTS)] if digest[3] % 9 == 0 else None
                track = fake.track(
                    name=name,
                    artists=(artist, featuring) if featuring and featuring != artist else (artist,),
                    album=album,
                    duration_ms=150_000 + (digest[4] * 256 + digest[5]) % 150_000,
                    track_id=demo_id("track", artist, album, str(n)),
                )
                track["album"]["images"] = [{"url": art}]
                tracks.append(track)
    return tracks


def _pick(tracks: list[dict], name: str, count: int) -> list[dict]:
    """count different tracks, spread over artists, the same for the same name."""
    ranked = sorted(tracks, key=lambda t: hashlib.sha256(f"{name}/{t['id']}".encode()).digest())
    return ranked[:count]


def _set_cover(fake, playlist_id: str, url: str) -> None:
    # FakeSpotify gives every playlist a cover on Spotify's image servers and has no setter:
    # the demo's covers are data: URIs, so that a demo fetches nothing from outside.
    with fake._lock:
        fake._playlists[playlist_id].image_url = url


def _playlist(fake, owner: str, name: str, items: list[dict], **options) -> str:
    playlist_id = fake.add_playlist(
        owner, name, items, playlist_id=demo_id("playlist", name), **options
    )
    _set_cover(fake, playlist_id, cover(f"playlist/{name}"))
    return playlist_id


def seed_demo(fake) -> str:
    """Fill fake with the demo's users, playlists and catalog; returns the demo user's id.

    The fake's authorize page signs in as fake.next_login, set here to the demo user.
    """
    fake.add_user(DEMO_USER, DEMO_NAME, image_url=cover("user/demo"))
    fake.add_user("mira", "Mira Okafor", image_url=cover("user/mira"))
    fake.add_user("theo", "Theo Lindqvist", image_url=cover("user/theo"))
    fake.next_login = DEMO_USER
    tracks = _tracks(fake, ARTISTS, albums=4, songs=10)
    fake.catalog_add(*tracks, *_tracks(fake, SEARCH_ONLY_ARTISTS, albums=2, songs=10))

    _playlist(
        fake,
        DEMO_USER,
        "Morning Run",
        _pick(tracks, "run", 24),
        description="Fast songs for the first five kilometres.",
    )
    _playlist(
        fake,
        DEMO_USER,
        "Deep Focus",
        _pick(tracks, "focus", 30),
        description="Long, quiet tracks for work.",
    )
    _playlist(fake, DEMO_USER, "Road Trip", _pick(tracks, "road", 40))
    kitchen = _pick(tracks, "kitchen", 14)
    kitchen[3:3] = [fake.local("Voice Memo 12", "Me", "Phone Recordings", 95_000)]
    kitchen[9:9] = [fake.local("Grandma's Waltz (tape)", "Family Band", "Cassettes", 182_000)]
    _playlist(
        fake,
        DEMO_USER,
        "Sunday Kitchen",
        kitchen,
        description="Has two local files: they keep their place in every shuffle.",
    )
    _playlist(
        fake,
        DEMO_USER,
        "Everything, Ever",
        tracks,
        description="All 1,000 tracks of the demo catalog.",
    )
    _playlist(
        fake,
        "mira",
        "Band Practice",
        _pick(tracks, "band", 16),
        collaborative=True,
        collaborators=(DEMO_USER,),
        description="Mira's playlist; you collaborate on it.",
    )
    _playlist(
        fake,
        "theo",
        "Theo's Vinyl Finds",
        _pick(tracks, "vinyl", 20),
        public=True,
        followers=(DEMO_USER,),
        description="Someone else's public playlist you follow.",
    )
    return DEMO_USER


def playlist_id(name: str) -> str:
    """The id seed_demo gives the playlist called name."""
    return demo_id("playlist", name)
