"""Django's ModelBackend, reading with the signed-in user what nearly every request asks about them."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from albums.selectors import staff_grants_applying


class PortalModelBackend(ModelBackend):
    """The user of a session comes with their own AdultWork connection and whether any agency's
    connection is granted to them: the second-factor check, the navigation and the create form ask for
    both on every request, which took two queries beside the user's own (albums/selectors.py reads
    what this loads; issue 15)."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("aw_connection")
            .annotate(agency_granted=Exists(staff_grants_applying().filter(user=OuterRef("pk"))))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
