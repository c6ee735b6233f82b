from .selectors import agency_connection_ids, connection_get


def connection(request):
    """The signed-in user's AdultWork connection, and whether they may act for group members, for the
    navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "aw_connection": connection_get(user=user),
        "agency_access": bool(agency_connection_ids(user=user)),
    }
