"""Shuffify: a Spotify playlist tool's state, kept in PostgreSQL or SQLite.

Importing the package connects to nothing and migrates nothing: the web app is
built by shuffify.web.create_app(settings), which the entry point app.py calls.
"""
