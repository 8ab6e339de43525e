"""GET /me: who signed in. Development Mode apps get no email."""

from shuffify.spotify.client import Spotify
from shuffify.spotify.shapes import first_image


def profile(spotify: Spotify) -> dict:
    """The fields the users table keeps: spotify_id, display_name, email, profile_image_url."""
    me = spotify.get("/me")
    return {
        "spotify_id": me["id"],
        "display_name": me.get("display_name"),
        "email": me.get("email"),
        "profile_image_url": first_image(me.get("images")),
    }
