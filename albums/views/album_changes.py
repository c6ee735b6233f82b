"""Edit album and Remove album: pages for an album AdultWork lists now, each sending one operation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from ..crypto import SecretDecryptionError
from ..errors import PortalError
from ..forms import AlbumEditForm, AlbumRemoveForm, decimal_without_trailing_zeros
from ..models import AlbumRecord
from ..selectors import album_definition_latest, album_record_pin
from ..services.album_changes import album_edit, album_remove
from ..services.gallery import GalleryAlbumFound
from .common import album_form_page, form_with_new_key, with_listed_album


def _pin_held(latest: AlbumRecord | None) -> str | None:
    """The album's PIN as the portal last set it ("" for none), or None when the portal does not know it."""
    if latest is None:
        return None
    try:
        return album_record_pin(record=latest) if latest.has_pin else ""
    except SecretDecryptionError:  # keys rotated away: the honest answer is "not known"
        return None


def _member_user_id(found: GalleryAlbumFound) -> int | None:
    return found.member.aw_user_id if found.member else None


def _failed(form, make_form, error: PortalError):
    """After a refusal: a failed attempt changed nothing, so the same input may be sent as a new one."""
    if error.record is None or error.record.status == AlbumRecord.Status.FAILED:
        form = form_with_new_key(form, make_form)
    form.add_portal_error(error)
    return form


# Never cached: the page is built from a PIN the portal holds (never shown, but kept out of any cache).
@never_cache
@login_required
@with_listed_album
def album_edit_view(request: HttpRequest, found: GalleryAlbumFound) -> HttpResponse:
    album_id = found.album.album_id
    latest = album_definition_latest(aw_user_id=found.aw_user_id, album_id=album_id)
    initial = {
        "name": found.album.album_name,
        "description": found.album.album_description or "",
        "pin_price": decimal_without_trailing_zeros(latest.pin_price) if latest and latest.has_pin else None,
    }
    current_pin = _pin_held(latest)

    def make_form(data, **kwargs) -> AlbumEditForm:
        return AlbumEditForm(data, initial=initial, current_pin=current_pin, **kwargs)

    form = make_form(request.POST or None)
    context = {"form": form, "found": found, "pin_held": current_pin}
    if request.method == "POST" and form.is_valid():
        try:
            record = album_edit(
                user=request.user,
                album_id=album_id,
                member_user_id=_member_user_id(found),
                album=form.album_input,
                submission_key=form.cleaned_data["submission_key"],
            )
        except PortalError as error:
            context |= {"form": _failed(form, make_form, error), "failed_record": error.record}
        else:
            messages.success(request, "The album was changed on AdultWork.")
            return redirect(record)
    return album_form_page(request, "albums/album_edit.html", context)


@login_required
@with_listed_album
def album_remove_view(request: HttpRequest, found: GalleryAlbumFound) -> HttpResponse:
    """A confirmation naming the album; only the POST removes anything."""
    form = AlbumRemoveForm(request.POST or None)
    context = {"form": form, "found": found}
    if request.method == "POST" and form.is_valid():
        try:
            record = album_remove(
                user=request.user,
                album_id=found.album.album_id,
                member_user_id=_member_user_id(found),
                remove_pictures=form.cleaned_data["remove_pictures"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except PortalError as error:
            context |= {"form": _failed(form, AlbumRemoveForm, error), "failed_record": error.record}
        else:
            messages.success(request, f"The album “{record.name}” was removed from AdultWork.")
            return redirect(record)
    return render(request, "albums/album_remove.html", context)
