"""Staff grants: an administrator lets a portal user act for the members of the group a manager's
connection manages, without the AdultWork password. A grant names the group (see StaffGrant)."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from ..errors import PortalError
from ..models import Connection, StaffGrant

logger = logging.getLogger(__name__)


def staff_grant_refusal(*, connection: Connection, user: AbstractBaseUser) -> str | None:
    """Why `user` cannot be granted `connection`'s group, or None."""
    if not connection.is_group_manager or connection.group_id is None:
        return f"{connection} is not a group manager's connection, so there is no group to grant."
    if connection.user_id == user.pk:
        return "The connection's own user acts for its group already; a grant would add nothing."
    return None


def staff_grant_give(*, connection: Connection, user: AbstractBaseUser) -> StaffGrant:
    """Grant `user` the group that `connection` manages now, or confirm their grant for it after the
    connection's account or group changed."""
    refusal = staff_grant_refusal(connection=connection, user=user)
    if refusal:
        raise PortalError(refusal)
    grant, _ = StaffGrant.objects.update_or_create(
        connection=connection,
        user=user,
        defaults={
            "group_id": connection.group_id,
            "group_name": connection.group_name,
            "manager_aw_user_id": connection.aw_user_id,
            "confirmed_at": timezone.now(),
        },
    )
    logger.info("User %s granted group %s through connection %s", user.pk, connection.group_id, connection.pk)
    return grant
