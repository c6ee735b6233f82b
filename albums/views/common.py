"""What several view modules share: session keys, lookups that 404, the create form's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from ..forms import MemberSearchForm, pin_generate
from ..models import AlbumRecord, Connection
from ..selectors import agency_connections_for, album_record_visible

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
