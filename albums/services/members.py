"""The roster of a manager connection's group: refreshed from getGroupDetails, or kept by hand.

With an API key the roster is simply there: connecting a group manager queues a load in the
background (`member_roster_queue`), a member page queues one when the roster is older than
AW_ROSTER_MAX_AGE (`member_roster_ensure`), a UserID searched for and not found is looked up at once
(`member_roster_lookup`), and "Refresh from AdultWork" refreshes on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import adultwork as aw
from ..errors import PortalError, member_list_error_from
from ..models import Connection, Member
from ..selectors import agency_connections_for, member_actable_by
from ..tasks import member_roster_load_task
from .clients import aw_client

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterRefresh:
    members: int
    added: int
    gone_stale: int


# A queued load not done after this long is taken to be lost (no worker ran it), and may be queued again.
QUEUED_LOAD_PATIENCE = timedelta(minutes=10)
# A UserID not on the roster refreshes it at once, but not more often than this per connection: any
# signed-in agency user can type UserIDs, and each refresh reads every page of getGroupDetails.
LOOKUP_MIN_INTERVAL = timedelta(seconds=60)


def _loads_from_api(connection: Connection) -> bool:
    return bool(settings.AW_API_KEY) and connection.manages_group


def member_roster_refresh(*, connection: Connection) -> RosterRefresh:
    """Make the roster match the group's member list on AdultWork (every page of getGroupDetails).

    Members missing from the list are kept but marked stale, so their history still names them and
    nobody can pick them; members who come back are current again. A list fetched for a group the
    connection no longer manages (it changed while the pages were read) is thrown away.
    """
    if not settings.AW_API_KEY:
        raise PortalError("The portal has no AdultWork API key (AW_API_KEY), so it cannot fetch the member list.")
    group_id = connection.group_id
    try:
        listed = aw_client(with_api_key=True).group_members_list(group_id=group_id)
    except aw.AdultWorkError as exc:
        raise member_list_error_from(exc) from None
    now = timezone.now()
    nicknames = {member.user_id: member.nickname for member in listed}
    with transaction.atomic():
        # Also locks the connection's row, so a change of group waits for this refresh, or wins.
        if not Connection.objects.filter(pk=connection.pk, group_id=group_id).update(roster_loaded_at=now, roster_error=""):
            raise PortalError("The connection's group changed while its member list was read. Refresh again.")
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
    connection.roster_loaded_at, connection.roster_error = now, ""
    return RosterRefresh(members=len(nicknames), added=len(added), gone_stale=len(gone))


def member_roster_queue(*, connection: Connection) -> bool:
    """Have the worker load the roster, unless a load is waiting already. True when one was queued."""
    if not _loads_from_api(connection):
        return False
    now = timezone.now()
    waiting = Q(roster_queued_at__gt=now - QUEUED_LOAD_PATIENCE) & (
        Q(roster_loaded_at__isnull=True) | Q(roster_loaded_at__lt=F("roster_queued_at"))
    )
    with transaction.atomic():
        if not Connection.objects.filter(pk=connection.pk).exclude(waiting).update(roster_queued_at=now, roster_error=""):
            return False
        transaction.on_commit(partial(member_roster_load_task.enqueue, connection_id=connection.pk))
    connection.roster_queued_at, connection.roster_error = now, ""
    logger.info("Connection %s: roster load queued", connection.pk)
    return True


def member_roster_ensure(*, connections: Iterable[Connection]) -> None:
    """Queue a load of each roster never loaded, or loaded longer than AW_ROSTER_MAX_AGE ago."""
    too_old = timezone.now() - timedelta(seconds=settings.AW_ROSTER_MAX_AGE)
    for connection in connections:
        if connection.roster_loaded_at is None or connection.roster_loaded_at < too_old:
            member_roster_queue(connection=connection)


def member_roster_load(*, connection_id: int) -> None:
    """The background load: refresh the roster, or keep why it failed for the member pages to show."""
    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None or not _loads_from_api(connection):
        return
    try:
        member_roster_refresh(connection=connection)
    except PortalError as error:
        Connection.objects.filter(pk=connection_id).update(roster_error=error.message)
        logger.info("Connection %s: roster load failed: %s", connection_id, error.message)


def member_roster_lookup(*, user: AbstractBaseUser, aw_user_id: int) -> Member | None:
    """The roster entry through which `user` may act for `aw_user_id`. When no roster holds them yet (they
    may have joined since the last load), the user's rosters not refreshed in the last
    LOOKUP_MIN_INTERVAL are refreshed first, at once. Raises PortalError when a refresh fails."""
    member = member_actable_by(user=user, member_user_id=aw_user_id)
    if member is not None:
        return member
    recent = timezone.now() - LOOKUP_MIN_INTERVAL
    stale = [
        connection
        for connection in agency_connections_for(user=user)
        if _loads_from_api(connection) and not (connection.roster_loaded_at and connection.roster_loaded_at > recent)
    ]
    for connection in stale:
        member_roster_refresh(connection=connection)
    return member_actable_by(user=user, member_user_id=aw_user_id) if stale else None


def member_roster_forget(*, connection: Connection) -> None:
    """The connection now acts for another account or group: none of the old roster may be chosen, and
    the new group's roster is still to be loaded."""
    with transaction.atomic():
        connection.members.filter(is_stale=False).update(is_stale=True, updated_at=timezone.now())
        Connection.objects.filter(pk=connection.pk).update(roster_loaded_at=None, roster_queued_at=None, roster_error="")
    connection.roster_loaded_at = connection.roster_queued_at = None
    logger.info("Connection %s changed account or group: its old roster is set aside", connection.pk)


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
