"""Views: bind the form, call one service, render or redirect."""

from __future__ import annotations

import json
import secrets
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .crypto import SecretDecryptionError, secret_decrypt, secret_encrypt
from .errors import PortalError
from .forms import AccessTokenForm, AlbumForm, pin_generate
from .models import AlbumRecord
from .selectors import album_record_list, album_record_pin
from .services.albums import album_create, album_record_send_again
from .services.clients import aw_login_configured
from .services.connections import (
    connection_authorization_url,
    connection_connect_with_code,
    connection_connect_with_token,
    connection_disconnect,
)
from .services.reconcile import album_record_check
from .services.sync import album_records_sync

HISTORY_PAGE_SIZE = 25
OAUTH_STATE_KEY = "aw_oauth_state"
# A create form interrupted by an expired connection, kept (encrypted: it may hold a PIN) across
# the round trip to AdultWork's login.
PENDING_ALBUM_KEY = "aw_pending_album"
# The record whose PIN its creator sees once, on the page the create form redirects to. Only the
# record's id is kept: the PIN itself stays encrypted in the record.
PIN_ONCE_KEY = "aw_pin_once"


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


@login_required
def album_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(album_record_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "albums/album_list.html", {"page_obj": page})


def _record_or_404(request: HttpRequest, pk: int) -> AlbumRecord:
    """A record the signed-in user may see; anyone else's is "not found", never "forbidden"."""
    return get_object_or_404(album_record_list(user=request.user), pk=pk)


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
    if not record.has_pin:
        raise Http404("This record has no PIN.")
    return _album_detail_page(request, record, pin=album_record_pin(record=record))


@never_cache
@login_required
@require_GET
def pin_suggestion(request: HttpRequest) -> JsonResponse:
    """A fresh PIN for the form's Generate PIN button."""
    return JsonResponse({"pin": pin_generate()})


def _album_form_page(request: HttpRequest, form: AlbumForm, **context) -> HttpResponse:
    """The create form, with a freshly generated PIN suggested for browsers without JavaScript."""
    return render(request, "albums/album_form.html", {"form": form, "pin_suggestion": pin_generate(), **context})


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


def _form_with_new_key(form: AlbumForm) -> AlbumForm:
    """The same input under a fresh submission key, so that sending it again is a new attempt."""
    data = form.data.copy()
    data["submission_key"] = str(uuid.uuid4())
    fresh = AlbumForm(data)
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


@never_cache
@login_required
def album_create_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        pending = _pending_pop(request)
        if pending:
            messages.info(request, "Here is the form you were sending before reconnecting. Check it and send it.")
        return _album_form_page(request, AlbumForm(initial=pending))
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
            if error.code == PortalError.RECONNECT:
                _pending_save(request, form)
            form.add_portal_error(error)
            return _album_form_page(
                request, form, failed_record=error.record, reconnect=error.code == PortalError.RECONNECT
            )
        if record.status == AlbumRecord.Status.CREATED:
            messages.success(request, f"Album created on AdultWork with AlbumID {record.album_id}.")
            if record.has_pin:
                request.session[PIN_ONCE_KEY] = record.pk
        return redirect(record)
    return _album_form_page(request, form)
