"""The Gallery: an account's albums as AdultWork holds them now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..errors import PortalError
from ..forms import GalleryAccountForm
from ..selectors import agency_connection_ids, member_search, members_actable
from ..services.gallery import gallery_read
from .common import member_search_form


@login_required
def gallery(request: HttpRequest) -> HttpResponse:
    """Reads AdultWork on every view (a GET changes nothing): the user's own albums, or a member's."""
    search = member_search_form(request)
    if agency_connection_ids(user=request.user):
        members = member_search(members_actable(user=request.user), query=search.query)
    else:
        members = []
    form = GalleryAccountForm(request.GET, members=members)
    context = {"form": form, "search": search, "gallery": None, "error": ""}
    if form.is_valid():
        try:
            context["gallery"] = gallery_read(user=request.user, member_user_id=form.member_user_id)
        except PortalError as error:
            context["error"] = error
    return render(request, "albums/gallery.html", context)
