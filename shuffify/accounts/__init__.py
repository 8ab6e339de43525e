"""Accounts: signing in with Spotify, login sessions, stored tokens and derived keys."""
