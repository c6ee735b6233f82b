"""Views: bind the form, call one service, render or redirect."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from .errors import PortalError
from .exports import HISTORY_FIELDS, history_csv_lines
from .forms import (
    AccessTokenForm,
    AlbumForm,
    BulkJobForm,
    HistoryFilterForm,
    MemberAddForm,
    MemberAlbumForm,
    MemberSearchForm,
    pin_generate,
)
from .models import AlbumRecord, BulkJob, Connection, Member
from .selectors import (
    agency_connection_get,
    agency_connections_for,
    album_record_export_values,
    album_record_page,
    album_record_pin,
    album_record_recent,
    album_record_senders,
    album_record_visible,
    bulk_job_get,
    bulk_job_list,
    bulk_job_progress,
    member_get,
    member_roster,
    member_search,
    members_actable,
)
from .services.albums import album_create, album_record_send_again
from .services.bulk import bulk_job_create, bulk_job_retry
from .services.clients import aw_login_configured
from .services.connections import (
    connection_authorization_url,
    connection_connect_with_code,
    connection_connect_with_token,
    connection_disconnect,
)
from .services.members import member_add, member_remove, member_roster_refresh
from .services.reconcile import album_record_check
from .services.sync import album_records_sync

HISTORY_PAGE_SIZE = 25
ROSTER_PAGE_SIZE = 100
OAUTH_STATE_KEY = "aw_oauth_state"
# A create form interrupted by an expired connection, kept (encrypted: it may hold a PIN) across
# the round trip to AdultWork's login.
PENDING_ALBUM_KEY = "aw_pending_album"
# The record whose PIN its creator sees once, on the page the create form redirects to. Only the
# record's id is kept: the PIN itself stays encrypted in the record.
PIN_ONCE_KEY = "aw_pin_once"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "albums/dashboard.html", {"recent_records": album_record_recent(user=request.user)})


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
    return render(
        request, "albums/connect.html", {"token_form": form, "login_configured": aw_login_configured()}
    )


def _callback_uri(request: HttpRequest) -> str:
    return settings.AW_OAUTH_REDIRECT_URI or request.build_absolute_uri(reverse("connect_callback"))


@login_required
@require_POST
def connect_start(request: HttpRequest) -> HttpResponse:
    state = secrets.token_urlsafe(32)
    try:
        url = connection_authorization_url(redirect_uri=_callback_uri(request), state=state)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect("connect")
    request.session[OAUTH_STATE_KEY] = state
    return redirect(url)


def _login_problem(request: HttpRequest, title: str, message: str, status: int = 400) -> HttpResponse:
    return render(request, "albums/connect_problem.html", {"title": title, "message": message}, status=status)


@login_required
@require_GET
def connect_callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(OAUTH_STATE_KEY, None)
    given = request.GET.get("state", "")
    if not expected or not given or not secrets.compare_digest(expected, given):
        return _login_problem(
            request,
            "This login answer does not match a login you started",
            "The answer from AdultWork's login did not carry the code this portal sent (its state is "
            "missing or different), so it was ignored. This happens when a login page is reused or "
            "opened from another browser. Start again from this portal.",
        )
    if request.GET.get("status") == "cancelled" or request.GET.get("error") == "access_denied":
        return _login_problem(
            request,
            "Login cancelled",
            "You cancelled the login at AdultWork, so nothing was changed. Connect again whenever you like.",
            status=200,
        )
    code = request.GET.get("code", "")
    if not code:
        return _login_problem(
            request,
            "AdultWork's login sent no code",
            f"AdultWork's login came back without a sign-in code ({request.GET.get('error') or 'no reason given'}). "
            "Nothing was changed; start again.",
        )
    try:
        connection = connection_connect_with_code(user=request.user, code=code, redirect_uri=_callback_uri(request))
    except PortalError as error:
        return _login_problem(request, "The connection could not be completed", error.message, status=502)
    messages.success(request, f"Connected AdultWork account {connection.aw_user_id} through AdultWork's login.")
    if PENDING_ALBUM_KEY in request.session:
        return redirect("album_create")
    return redirect("connect")


@login_required
@require_POST
def disconnect(request: HttpRequest) -> HttpResponse:
    if connection_disconnect(user=request.user):
        messages.success(request, "Disconnected. The portal no longer holds any AdultWork token for you.")
    return redirect("connect")


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


def _record_or_404(request: HttpRequest, pk: int) -> AlbumRecord:
    """A record the signed-in user may see; anyone else's is "not found", never "forbidden"."""
    return get_object_or_404(album_record_visible(user=request.user).select_related("created_by"), pk=pk)


@login_required
def album_sync(request: HttpRequest) -> HttpResponse:
    """GET explains; POST reads the account's albums from AdultWork and shows what differs."""
    result = None
    if request.method == "POST":
        try:
            result = album_records_sync(user=request.user)
        except PortalError as error:
            messages.error(request, error.message)
    return render(request, "albums/album_sync.html", {"result": result})


def _album_detail_page(request: HttpRequest, record: AlbumRecord, *, pin: str = "", pin_once: bool = False) -> HttpResponse:
    return render(request, "albums/album_detail.html", {"record": record, "pin": pin, "pin_once": pin_once})


# Pages that may show a PIN are never cached, so that Back or a shared machine cannot bring one back.
@never_cache
@login_required
def album_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    if record.has_pin and request.session.get(PIN_ONCE_KEY) == record.pk:
        del request.session[PIN_ONCE_KEY]
        return _album_detail_page(request, record, pin=album_record_pin(record=record), pin_once=True)
    return _album_detail_page(request, record)


@never_cache
@login_required
@require_POST
def album_pin_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    # Agency staff may see each other's records, but a PIN only ever to the one who set it.
    if not record.has_pin or record.created_by_id != request.user.pk:
        raise Http404("No PIN of yours on this record.")
    return _album_detail_page(request, record, pin=album_record_pin(record=record))


@never_cache
@login_required
@require_GET
def pin_suggestion(request: HttpRequest) -> JsonResponse:
    """A fresh PIN for the form's Generate PIN button."""
    return JsonResponse({"pin": pin_generate()})


def _album_form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A create form, with a freshly generated PIN suggested for browsers without JavaScript."""
    return render(request, template, {"pin_suggestion": pin_generate(), **context})


@login_required
@require_POST
def album_check(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
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
    record = _record_or_404(request, pk)
    try:
        attempt = album_record_send_again(user=request.user, record=record)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect(error.record or record)
    if attempt.status == AlbumRecord.Status.CREATED:
        messages.success(request, f"Album created on AdultWork with AlbumID {attempt.album_id}.")
    return redirect(attempt)


def _form_with_new_key(form: AlbumForm, make_form: Callable[..., AlbumForm]) -> AlbumForm:
    """The same input under a fresh submission key, so that sending it again is a new attempt."""
    data = form.data.copy()
    data["submission_key"] = str(uuid.uuid4())
    fresh = make_form(data)
    fresh.is_valid()
    return fresh


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
        return _album_form_page(request, template, {"form": make_form(None, initial=initial), **context})
    form = make_form(request.POST)
    if form.is_valid():
        try:
            record = album_create(user=request.user, member_user_id=form.cleaned_data.get("member"), **form.album)
        except PortalError as error:
            if error.record is None or error.record.status == AlbumRecord.Status.FAILED:
                form = _form_with_new_key(form, make_form)
            reconnect = error.code == PortalError.RECONNECT
            if reconnect and keep_for_reconnect:
                _pending_save(request, form)
            form.add_portal_error(error)
            return _album_form_page(
                request, template, {"form": form, "failed_record": error.record, "reconnect": reconnect, **context}
            )
        if record.status == AlbumRecord.Status.CREATED:
            messages.success(request, f"Album created on AdultWork with AlbumID {record.album_id}.")
            if record.has_pin:
                request.session[PIN_ONCE_KEY] = record.pk
        return redirect(record)
    return _album_form_page(request, template, {"form": form, **context})


@never_cache
@login_required
def album_create_view(request: HttpRequest) -> HttpResponse:
    pending = _pending_pop(request) if request.method != "POST" else None
    if pending:
        messages.info(request, "Here is the form you were sending before reconnecting. Check it and send it.")
    return _album_create_page(
        request, make_form=AlbumForm, template="albums/album_form.html", initial=pending, keep_for_reconnect=True
    )


# --- Acting for group members -----------------------------------------------------------------------
# Only users with an agency connection see these pages; to everyone else they do not exist (404).


def _agency_connections(request: HttpRequest) -> list[Connection]:
    connections = list(agency_connections_for(user=request.user))
    if not connections:
        raise Http404("No group manager's connection is available to you.")
    return connections


def _chosen_agency(request: HttpRequest) -> tuple[Connection, list[Connection]]:
    """The agency named by the `agency` parameter (the first one by default), and all of them."""
    connections = _agency_connections(request)
    wanted = request.POST.get("agency") or request.GET.get("agency")
    if not wanted:
        return connections[0], connections
    chosen = next((c for c in connections if str(c.pk) == wanted), None)
    if chosen is None:
        raise Http404("That agency is not available to you.")
    return chosen, connections


def _search(request: HttpRequest) -> MemberSearchForm:
    search = MemberSearchForm(request.GET)
    search.is_valid()
    return search


@never_cache
@login_required
def member_album_create_view(request: HttpRequest) -> HttpResponse:
    _agency_connections(request)
    search = _search(request)
    members = members_actable(user=request.user)
    if request.method != "POST":
        members = member_search(members, query=search.cleaned_data["q"])

    def make_form(data, **kwargs) -> MemberAlbumForm:
        return MemberAlbumForm(data, members=members, **kwargs)

    return _album_create_page(
        request, make_form=make_form, template="albums/member_album_form.html", context={"search": search}
    )


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    connection, connections = _chosen_agency(request)
    search = _search(request)
    roster = member_search(member_roster(connection=connection), query=search.cleaned_data["q"])
    page = Paginator(roster, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "albums/member_list.html",
        {
            "agency": connection,
            "agencies": connections,
            "search": search,
            "page_obj": page,
            "add_form": MemberAddForm(),
            "roster_from_api": bool(settings.AW_API_KEY),
            "recent_jobs": bulk_job_list(user=request.user)[:5],
        },
    )


def _agency_or_404(request: HttpRequest, pk: int) -> Connection:
    connection = agency_connection_get(user=request.user, pk=pk)
    if connection is None:
        raise Http404("That agency is not available to you.")
    return connection


def _roster_url(connection: Connection) -> str:
    return f"{reverse('member_list')}?agency={connection.pk}"


def _report(request: HttpRequest, action: Callable[[], str]) -> None:
    """Run a service call; show what it did, or why it was refused."""
    try:
        messages.success(request, action())
    except PortalError as error:
        messages.error(request, error.message)


def _refreshed(connection: Connection) -> str:
    refresh = member_roster_refresh(connection=connection)
    return (
        f"Member list refreshed from AdultWork: {refresh.members} members, {refresh.added} new, "
        f"{refresh.gone_stale} no longer in the group."
    )


@login_required
@require_POST
def member_roster_refresh_view(request: HttpRequest, connection_pk: int) -> HttpResponse:
    connection = _agency_or_404(request, connection_pk)
    _report(request, lambda: _refreshed(connection))
    return redirect(_roster_url(connection))


@login_required
def member_add_view(request: HttpRequest, connection_pk: int) -> HttpResponse:
    connection = _agency_or_404(request, connection_pk)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_add(
                connection=connection, aw_user_id=form.cleaned_data["aw_user_id"], nickname=form.cleaned_data["nickname"]
            )
        except PortalError as error:
            form.add_portal_error(error)
        else:
            messages.success(request, f"Added {member} to the member list.")
            return redirect(_roster_url(connection))
    return render(request, "albums/member_add.html", {"agency": connection, "add_form": form})


def _removed(member: Member) -> str:
    member_remove(member=member)
    return f"Removed {member} from the member list."


@login_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404("No such member in an agency available to you.")
    _report(request, lambda: _removed(member))
    return redirect(_roster_url(member.connection))


# --- Bulk jobs ----------------------------------------------------------------------------------------


@login_required
def bulk_job_create_view(request: HttpRequest) -> HttpResponse:
    connection, connections = _chosen_agency(request)
    search = _search(request)
    members = members_actable(user=request.user, connection=connection)
    member_count = members.count()
    if request.method != "POST":
        members = member_search(members, query=search.cleaned_data["q"])
    form = BulkJobForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk_job_create(
                user=request.user, connection=connection, member_user_ids=form.chosen_user_ids, **form.album
            )
        except PortalError as error:
            form.add_portal_error(error)  # nothing was queued, so the same key may be sent again
        else:
            return redirect(job)
    context = {"form": form, "search": search, "agency": connection, "agencies": connections, "member_count": member_count}
    return _album_form_page(request, "albums/bulk_job_form.html", context)


@login_required
def bulk_job_list_view(request: HttpRequest) -> HttpResponse:
    _agency_connections(request)
    page = Paginator(bulk_job_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "albums/bulk_job_list.html", {"page_obj": page})


def _bulk_job_or_404(request: HttpRequest, pk: int) -> BulkJob:
    job = bulk_job_get(user=request.user, pk=pk)
    if job is None:
        raise Http404("No such bulk job available to you.")
    return job


@login_required
def bulk_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    progress = bulk_job_progress(job=_bulk_job_or_404(request, pk))
    return render(request, "albums/bulk_job_detail.html", {"job": progress.job, "progress": progress})


@login_required
def bulk_job_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    """What the progress page's script polls for: the counts and each member's outcome."""
    progress = bulk_job_progress(job=_bulk_job_or_404(request, pk))
    return JsonResponse(
        {
            "status": progress.job.status,
            "status_label": progress.job.get_status_display(),
            "finished": progress.is_finished,
            "total": progress.total,
            "done": progress.done,
            "counts": progress.counts,
            "members": [
                {
                    "user_id": outcome.item.aw_user_id,
                    "nickname": outcome.item.nickname,
                    "outcome": outcome.outcome,
                    "label": outcome.label,
                    "album_id": outcome.item.record.album_id if outcome.item.record else None,
                    "message": outcome.message,
                    "url": outcome.item.record.get_absolute_url() if outcome.item.record else None,
                }
                for outcome in progress.items
            ],
        }
    )


@login_required
@require_POST
def bulk_job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _bulk_job_or_404(request, pk)
    _report(request, lambda: f"Sending again to {bulk_job_retry(job=job)} failed member(s).")
    return redirect(job)
