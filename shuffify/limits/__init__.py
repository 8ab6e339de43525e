"""Living within Spotify's limits: one call budget and one pause for the whole deployment.

Spotify counts a Development Mode app's calls per app (and, since July 2026,
per developer account), refuses after a small unpublished number a day with
Retry-After values of hours, and ends every sign-in six months after it was
given. So every call is counted in the database (calls.py), background work
stops claiming runs at 80% of SPOTIFY_DAILY_CALL_BUDGET (budget.py), a long
Retry-After pauses every process until then (pause.py), the Spotify client
asks the gate before and tells it after each call (gate.py), and /metrics
shows it to the operator (metrics.py).
"""
