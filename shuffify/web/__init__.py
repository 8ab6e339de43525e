"""The web layer: the app factory, the server, the routes, templates and static files.

It translates HTTP to calls of the domain packages and never holds logic of its own."""
