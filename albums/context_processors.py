from .selectors import connection_get


def connection(request):
    """The signed-in user's AdultWork connection, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"aw_connection": connection_get(user=user)}
