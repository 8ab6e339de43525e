"""Rules: playlists that build themselves from sources, filters, an order and a sink."""
