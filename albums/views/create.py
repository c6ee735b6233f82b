"""Creating an album, for oneself or for a group member."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from ..errors import PortalError
from ..forms import AlbumForm, MemberAlbumForm, pin_generate
from ..models import AlbumRecord
from ..selectors import member_search, members_actable
from ..services.albums import album_create
from ..services.members import member_roster_ensure
from .common import (
    PENDING_ALBUM_KEY,
    PIN_ONCE_KEY,
    agency_connections_or_404,
    album_form_page,
    form_with_new_key,
    member_looked_up,
    member_search_form,
    roster_context,
)


@never_cache
@login_required
@require_GET
def pin_suggestion(request: HttpRequest) -> JsonResponse:
    """A fresh PIN for the form's Generate PIN button."""
    return JsonResponse({"pin": pin_generate()})


def _pending_save(request: HttpRequest, form: AlbumForm) -> None:
    fields = {name: form.data.get(name, "") for name in ("name", "description", "pin_number", "pin_price")}
    request.session[PENDING_ALBUM_KEY] = secret_encrypt(json.dumps(fields))


def _pending_pop(request: HttpRequest) -> dict | None:
    stored = request.session.pop(PENDING_ALBUM_KEY, None)
    try:
        return json.loads(secret_decrypt(stored)) if stored else None
    except SecretDecryptionError:  # the keys changed since; an empty form is the honest answer
        return None


def _album_create_page(
    request: HttpRequest,
    *,
    make_form: Callable[..., AlbumForm],
    template: str,
    context: dict | None = None,
    initial: dict | None = None,
    keep_for_reconnect: bool = False,
) -> HttpResponse:
    """Show the form; on a valid POST, create the album (for the chosen member, if the form has one).

    With `keep_for_reconnect`, a form stopped by a connection that must be made again is kept for
    after the round trip to AdultWork's login.
    """
    context = context or {}
    if request.method != "POST":
        return album_form_page(request, template, {"form": make_form(None, initial=initial), **context})
    form = make_form(request.POST)
    if form.is_valid():
        try:
            record = album_create(
                user=request.user,
                member_user_id=form.cleaned_data.get("member"),
                album=form.album_input,
                submission_key=form.cleaned_data["submission_key"],
            )
        except PortalError as error:
            if error.record is None or error.record.status == AlbumRecord.Status.FAILED:
                form = form_with_new_key(form, make_form)
            reconnect = error.code == PortalError.RECONNECT
            if reconnect and keep_for_reconnect:
                _pending_save(request, form)
            form.add_portal_error(error)
            return album_form_page(
                request, template, {"form": form, "failed_record": error.record, "reconnect": reconnect, **context}
            )
        if record.status == AlbumRecord.Status.CREATED:
            messages.success(request, f"Album created on AdultWork with AlbumID {record.album_id}.")
            if record.has_pin:
                request.session[PIN_ONCE_KEY] = record.pk
        return redirect(record)
    return album_form_page(request, template, {"form": form, **context})


@never_cache
@login_required
def album_create_view(request: HttpRequest) -> HttpResponse:
    pending = _pending_pop(request) if request.method != "POST" else None
    if pending:
        messages.info(request, "Here is the form you were sending before reconnecting. Check it and send it.")
    return _album_create_page(
        request, make_form=AlbumForm, template="albums/album_form.html", initial=pending, keep_for_reconnect=True
    )


@never_cache
@login_required
def member_album_create_view(request: HttpRequest) -> HttpResponse:
    connections = agency_connections_or_404(request)
    member_roster_ensure(connections=connections)
    search = member_search_form(request)
    members = members_actable(user=request.user)
    initial = None
    if request.method != "POST":
        members = member_search(members, query=search.query)
        if found := member_looked_up(request, search=search, members=members):
            initial = {"member": found.aw_user_id}

    def make_form(data, **kwargs) -> MemberAlbumForm:
        return MemberAlbumForm(data, members=members, **kwargs)

    return _album_create_page(
        request,
        make_form=make_form,
        template="albums/member_album_form.html",
        context={"search": search, **roster_context(connections)},
        initial=initial,
    )
