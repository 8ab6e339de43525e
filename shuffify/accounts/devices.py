"""A coarse device name from a User-Agent header: "Firefox on Linux", nothing finer.

Stored with a login session so a person can tell their sessions apart; the
version numbers and everything else in the header are dropped, and no IP
address is kept anywhere (issue 23). Order matters: Edge and Opera say
"Chrome" too, Chrome says "Safari", Android says "Linux", iOS says "Mac OS X".
"""

BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device(user_agent: str | None) -> str:
    """"Browser on System", with "a browser" or "an unknown system" for what is not known."""
    text = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in text), "A browser")
    system = next((name for mark, name in SYSTEMS if mark in text), "an unknown system")
    return f"{browser} on {system}"
