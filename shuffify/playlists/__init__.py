"""Playlists: reading them live, and every change to one (the change path, the writer,
history, the workshop, saved sessions and upstream sources)."""
