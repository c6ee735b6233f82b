"""What several view modules share: session keys, lookups that 404, the create form's page."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from ..errors import PortalError
from ..forms import PLAIN_INTEGER, MemberSearchForm, pin_generate
from ..models import AlbumRecord, Connection, Member
from ..selectors import agency_connections_for, album_record_visible, roster_loading
from ..services.gallery import GalleryAlbumFound, gallery_album_get
from ..services.members import member_roster_lookup

# A create form interrupted by an expired connection, kept (encrypted: it may hold a PIN) across
# the round trip to AdultWork's login.
PENDING_ALBUM_KEY = "aw_pending_album"
# The record whose PIN its creator sees once, on the page the create form redirects to. Only the
# record's id is kept: the PIN itself stays encrypted in the record.
PIN_ONCE_KEY = "aw_pin_once"


def record_or_404(request: HttpRequest, pk: int) -> AlbumRecord:
    """A record the signed-in user may see; anyone else's is "not found", never "forbidden"."""
    return get_object_or_404(album_record_visible(user=request.user).select_related("created_by"), pk=pk)


def agency_connections_or_404(request: HttpRequest) -> list[Connection]:
    connections = list(agency_connections_for(user=request.user))
    if not connections:
        raise Http404("No group manager's connection is available to you.")
    return connections


def member_search_form(request: HttpRequest) -> MemberSearchForm:
    search = MemberSearchForm(request.GET)
    search.is_valid()
    return search


def album_form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A create form, with a freshly generated PIN suggested for browsers without JavaScript.

    Never stored by a browser or proxy (no-store), whichever view renders it: it shows a PIN.
    """
    response = render(request, template, {"pin_suggestion": pin_generate(), **context})
    add_never_cache_headers(response)
    return response


def roster_context(connections: Sequence[Connection]) -> dict:
    """What includes/roster_loading.html says about these connections' rosters."""
    return {
        "roster_loading": roster_loading(connections=connections),
        "roster_failures": [connection for connection in connections if connection.roster_error],
        "roster_from_api": bool(settings.AW_API_KEY),
    }


def member_looked_up(request: HttpRequest, *, search: MemberSearchForm, members: QuerySet[Member]) -> Member | None:
    """A UserID searched for that none of `members` matches: looked up on AdultWork (a roster refresh)
    rather than refused; the member when found, with a message either way."""
    query = search.query.strip()
    # ASCII digits only: str.isdigit() would take every script's digits (and "²"), which int() reads.
    if not PLAIN_INTEGER.fullmatch(query) or len(query) > 12 or members.exists():
        return None
    try:
        member = member_roster_lookup(user=request.user, aw_user_id=int(query))
    except PortalError as error:
        messages.error(request, error.message)
        return None
    if member is None:
        messages.warning(request, f"AdultWork member {int(query)} is not a member of a group you act for.")
        return None
    messages.info(request, f"Found {member} on AdultWork; the member list is up to date.")
    return member


def member_param(request: HttpRequest) -> int | None:
    """The group member named by `?member=` (an album of theirs is acted on through the Groups twins)."""
    raw = request.GET.get("member", "")
    if not raw:
        return None
    # ASCII digits, few enough to be an Int32 (int() would also read ٥, and raise on 5,000 digits).
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10) or not 0 < int(raw) < 2**31:
        raise Http404("No such member.")
    return int(raw)


def with_listed_album(view: Callable[[HttpRequest, GalleryAlbumFound], HttpResponse]) -> Callable[..., HttpResponse]:
    """For a page acting on one album (`album_id`, and `?member=` for a group member's): the view is
    handed the album as AdultWork lists it now, or a page says why it cannot be acted on."""

    @wraps(view)
    def with_album(request: HttpRequest, album_id: int) -> HttpResponse:
        try:
            found = gallery_album_get(user=request.user, album_id=album_id, member_user_id=member_param(request))
        except PortalError as error:
            return render(request, "albums/album_problem.html", {"error": error}, status=404)
        return view(request, found)

    return with_album


def form_with_new_key(form: forms.Form, make_form: Callable[..., forms.Form]) -> forms.Form:
    """The same input under a fresh submission key, so that sending it again is a new attempt."""
    data = form.data.copy()
    data["submission_key"] = str(uuid.uuid4())
    fresh = make_form(data)
    fresh.is_valid()
    return fresh
