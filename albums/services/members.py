"""The roster of a manager connection's group: refreshed from getGroupDetails, or kept by hand."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError, member_list_error_from
from ..models import Connection, Member
from .clients import aw_client

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterRefresh:
    members: int
    added: int
    gone_stale: int


def member_roster_refresh(*, connection: Connection) -> RosterRefresh:
    """Make the roster match the group's member list on AdultWork (every page of getGroupDetails).

    Members missing from the list are kept but marked stale, so their history still names them and
    nobody can pick them; members who come back are current again.
    """
    if not settings.AW_API_KEY:
        raise PortalError("The portal has no AdultWork API key (AW_API_KEY), so it cannot fetch the member list.")
    try:
        listed = aw_client(with_api_key=True).group_members_list(group_id=connection.group_id)
    except aw.AdultWorkError as exc:
        raise member_list_error_from(exc) from None
    now = timezone.now()
    nicknames = {member.user_id: member.nickname for member in listed}
    with transaction.atomic():
        known = {member.aw_user_id: member for member in connection.members.select_for_update()}
        added = [
            Member(connection=connection, aw_user_id=user_id, nickname=nickname, source=Member.Source.API, last_seen_at=now)
            for user_id, nickname in nicknames.items()
            if user_id not in known
        ]
        seen = [member for user_id, member in known.items() if user_id in nicknames]
        for member in seen:
            member.nickname = nicknames[member.aw_user_id] or member.nickname
            member.source, member.is_stale, member.last_seen_at, member.updated_at = Member.Source.API, False, now, now
        gone = [member.pk for user_id, member in known.items() if user_id not in nicknames and not member.is_stale]
        Member.objects.bulk_create(added)
        Member.objects.bulk_update(seen, ["nickname", "source", "is_stale", "last_seen_at", "updated_at"])
        Member.objects.filter(pk__in=gone).update(is_stale=True, updated_at=now)
    logger.info(
        "Connection %s roster refreshed: %s members, %s new, %s gone stale", connection.pk, len(nicknames), len(added), len(gone)
    )
    return RosterRefresh(members=len(nicknames), added=len(added), gone_stale=len(gone))


def _refuse_hand_edits() -> None:
    if settings.AW_API_KEY:
        raise PortalError(
            "The member list comes from AdultWork while the portal has an API key: refresh it instead of "
            "editing it by hand."
        )


def member_add(*, connection: Connection, aw_user_id: int, nickname: str) -> Member:
    """Add a member by hand (or relabel one), for a portal without an API key."""
    _refuse_hand_edits()
    if aw_user_id == connection.aw_user_id:
        raise PortalError("That is the manager's own account: create its albums on the Create album page.")
    member, _ = Member.objects.update_or_create(
        connection=connection,
        aw_user_id=aw_user_id,
        defaults={"nickname": nickname, "source": Member.Source.MANUAL, "is_stale": False},
    )
    logger.info("Connection %s roster: member %s added by hand", connection.pk, aw_user_id)
    return member


def member_remove(*, member: Member) -> None:
    """Remove a member added by hand; their history keeps their UserID and nickname."""
    _refuse_hand_edits()
    member.delete()
    logger.info("Connection %s roster: member %s removed by hand", member.connection_id, member.aw_user_id)
