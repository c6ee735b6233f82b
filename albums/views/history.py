"""The history: the dashboard, the list and its export, one record, settling and refreshing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..errors import PortalError
from ..exports import HISTORY_FIELDS, history_csv_lines
from ..forms import AlbumSyncForm, HistoryFilterForm
from ..models import AlbumRecord
from ..selectors import (
    album_operations,
    album_record_export_values,
    album_record_page,
    album_record_pin,
    album_record_recent,
    album_record_senders,
)
from ..services.albums import album_record_send_again
from ..services.reconcile import album_record_check
from ..services.sync import album_records_sync
from .common import PIN_ONCE_KEY, record_or_404


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "albums/dashboard.html", {"recent_records": album_record_recent(user=request.user)})


def _history_filter_form(request: HttpRequest) -> HistoryFilterForm:
    return HistoryFilterForm(request.GET, senders=album_record_senders(user=request.user))


@login_required
def album_list(request: HttpRequest) -> HttpResponse:
    form = _history_filter_form(request)
    filters = form.filters()
    after, before = form.cursors()
    page = album_record_page(user=request.user, filters=filters, after=after, before=before)
    context = {
        "filter_form": form,
        "page": page,
        "filtered": filters.narrows,
        "previous_query": page.previous and form.query_string(before=page.previous.encode()),
        "next_query": page.next and form.query_string(after=page.next.encode()),
        "export_query": form.query_string(),
    }
    return render(request, "albums/album_list.html", context)


@login_required
def album_export(request: HttpRequest) -> StreamingHttpResponse:
    form = _history_filter_form(request)
    rows = album_record_export_values(user=request.user, filters=form.filters(), fields=HISTORY_FIELDS)
    response = StreamingHttpResponse(history_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="album-history.csv"'
    return response


@login_required
def album_sync(request: HttpRequest) -> HttpResponse:
    """GET explains; POST reads an account's albums from AdultWork and shows what differs."""
    form = AlbumSyncForm(request.POST if request.method == "POST" else None)  # a bare POST means "my own"
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = album_records_sync(user=request.user, member_user_id=form.cleaned_data["member"])
        except PortalError as error:
            form.add_error(None, error.message)
    return render(request, "albums/album_sync.html", {"form": form, "result": result})


def _album_detail_page(
    request: HttpRequest, record: AlbumRecord, *, pin: str = "", pin_once: bool = False
) -> HttpResponse:
    context = {
        "record": record,
        "pin": pin,
        "pin_once": pin_once,
        # A created album's later operations; an operation's own pictures (names and sizes only).
        "operations": album_operations(user=request.user, record=record) if record.kind == AlbumRecord.Kind.CREATE else [],
        "pictures": record.pictures.order_by("position") if record.kind == AlbumRecord.Kind.ADD_PICTURES else [],
    }
    return render(request, "albums/album_detail.html", context)


# Pages that may show a PIN are never cached, so that Back or a shared machine cannot bring one back.
@never_cache
@login_required
def album_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_or_404(request, pk)
    if record.has_pin and request.session.get(PIN_ONCE_KEY) == record.pk:
        del request.session[PIN_ONCE_KEY]
        return _album_detail_page(request, record, pin=album_record_pin(record=record), pin_once=True)
    return _album_detail_page(request, record)


@never_cache
@login_required
@require_POST
def album_pin_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_or_404(request, pk)
    # Agency staff may see each other's records, but a PIN only ever to the one who set it.
    if not record.has_pin or record.created_by_id != request.user.pk:
        raise Http404("No PIN of yours on this record.")
    return _album_detail_page(request, record, pin=album_record_pin(record=record))


@login_required
@require_POST
def album_check(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_or_404(request, pk)
    try:
        outcome = album_record_check(user=request.user, record=record)
    except PortalError as error:
        messages.error(request, error.message)
    else:
        messages.info(request, outcome.message)
    return redirect(record)


@login_required
@require_POST
def album_send_again(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_or_404(request, pk)
    try:
        attempt = album_record_send_again(user=request.user, record=record)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect(error.record or record)
    if attempt.status == AlbumRecord.Status.CREATED:
        messages.success(request, f"Album created on AdultWork with AlbumID {attempt.album_id}.")
    return redirect(attempt)
