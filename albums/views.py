"""Views: bind the form, call one service, render or redirect."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .errors import PortalError
from .forms import AccessTokenForm, AlbumForm
from .models import AlbumRecord
from .selectors import album_record_list
from .services.albums import album_create
from .services.connections import connection_connect_with_token, connection_disconnect

HISTORY_PAGE_SIZE = 25


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    records = album_record_list(user=request.user)
    return render(request, "albums/dashboard.html", {"recent_records": records[:5]})


@login_required
def connect(request: HttpRequest) -> HttpResponse:
    form = AccessTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = connection_connect_with_token(
                user=request.user, access_token=form.cleaned_data["access_token"]
            )
        except PortalError as error:
            form.add_portal_error(error)
        else:
            messages.success(request, f"Connected AdultWork account {connection.aw_user_id}.")
            return redirect("connect")
    return render(request, "albums/connect.html", {"token_form": form})


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    if connection_disconnect(user=request.user):
        messages.success(request, "Disconnected. The portal no longer holds any AdultWork token for you.")
    return redirect("connect")


@login_required
def album_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(album_record_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "albums/album_list.html", {"page_obj": page})


@login_required
def album_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(album_record_list(user=request.user), pk=pk)
    return render(request, "albums/album_detail.html", {"record": record})


def _form_with_new_key(form: AlbumForm) -> AlbumForm:
    """The same input under a fresh submission key, so that sending it again is a new attempt."""
    data = form.data.copy()
    data["submission_key"] = str(uuid.uuid4())
    fresh = AlbumForm(data)
    fresh.is_valid()
    return fresh


@login_required
def album_create_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "albums/album_form.html", {"form": AlbumForm()})
    form = AlbumForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record = album_create(
                user=request.user,
                name=data["name"],
                description=data["description"],
                pin_number=data["pin_number"],
                pin_price=data["pin_price"],
                submission_key=data["submission_key"],
            )
        except PortalError as error:
            if error.record is None or error.record.status == AlbumRecord.Status.FAILED:
                form = _form_with_new_key(form)
            form.add_portal_error(error)
            return render(request, "albums/album_form.html", {"form": form, "failed_record": error.record})
        if record.status == AlbumRecord.Status.CREATED:
            messages.success(request, f"Album created on AdultWork with AlbumID {record.album_id}.")
        return redirect(record)
    return render(request, "albums/album_form.html", {"form": form})
