"""Upstream sources: playlists that feed a target playlist (upstream_sources).

The target must be a playlist the user can edit (checked with Spotify). The
same source twice returns the existing row; at most MAX_PER_TARGET per
target. Scheduled raids use these when a schedule names no sources.
"""

import peewee as pw

from shuffify.checks import known_fields, storable
from shuffify.errors import NotFound, Refused
from shuffify.models import UpstreamSource, User
from shuffify.playlists import changes
from shuffify.playlists.uris import playlist_id_from
from shuffify.spotify import Spotify

MAX_PER_TARGET = 20
SOURCE_TYPES = ("own", "external")
FIELDS = ("source_playlist_id", "source_url", "source_type", "source_name")


def as_dict(source: UpstreamSource) -> dict:
    return {
        "id": source.id,
        "target_playlist_id": source.target_playlist_id,
        "source_playlist_id": source.source_playlist_id,
        "source_url": source.source_url,
        "source_type": source.source_type,
        "source_name": source.source_name,
        "created_at": source.created_at.isoformat(),
    }


def of_target(user: User, target_id: str):
    return UpstreamSource.select().where(
        (UpstreamSource.user == user) & (UpstreamSource.target_playlist_id == target_id)
    )


def list_for(user: User, target_id: str) -> list[dict]:
    return [as_dict(s) for s in of_target(user, target_id).order_by(UpstreamSource.id)]


def add(spotify: Spotify, user: User, target_id: str, body: dict) -> tuple[dict, bool]:
    """The source row, and whether it is new."""
    known_fields(body, FIELDS)
    given = body.get("source_playlist_id") or body.get("source_url")
    source_id = playlist_id_from(given)
    if source_id is None:
        raise Refused("source_playlist_id or source_url must name a playlist (ID, URI or link)")
    source_type = body.get("source_type", "external")
    if source_type not in SOURCE_TYPES:
        raise Refused("source_type must be own or external")
    name = body.get("source_name")
    if name is not None and (not isinstance(name, str) or len(name) > 255):
        raise Refused("source_name must be a string of at most 255 characters")
    if name is not None:
        storable(name, "source_name")
    url = _source_url(body.get("source_url"))
    existing = of_target(user, target_id).where(UpstreamSource.source_playlist_id == source_id)
    if existing.exists():
        return as_dict(existing.get()), False
    changes.check_editable(spotify, user, target_id)
    if of_target(user, target_id).count() >= MAX_PER_TARGET:
        raise Refused(f"at most {MAX_PER_TARGET} sources per playlist", status=409)
    try:
        with UpstreamSource._meta.database.atomic():
            source = UpstreamSource.create(
                user=user,
                target_playlist_id=target_id,
                source_playlist_id=source_id,
                source_url=url,
                source_type=source_type,
                source_name=name,
            )
    except pw.IntegrityError:  # the same source, added by a request at the same moment
        return as_dict(existing.get()), False
    return as_dict(source), True


def delete(user: User, source_id: int) -> None:
    source = UpstreamSource.get_or_none(
        (UpstreamSource.id == source_id) & (UpstreamSource.user == user)
    )
    if source is None:
        raise NotFound("no such source")
    source.delete_instance()


def _source_url(value: object) -> str | None:
    return storable(value, "source_url")[:1024] if isinstance(value, str) else None
