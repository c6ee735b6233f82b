"""Agency pages: the member roster and bulk jobs. To users with no agency connection they do not exist (404)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ..bulk_csv import BulkCsvForm
from ..errors import PortalError
from ..exports import pins_csv
from ..forms import BulkJobForm, MemberAddForm
from ..models import BulkJob, Connection, Member
from ..selectors import (
    agency_connection_get,
    bulk_job_draft_get,
    bulk_job_get,
    bulk_job_list,
    bulk_job_pins,
    bulk_job_progress,
    member_get,
    member_roster,
    member_search,
    members_actable,
    roster_loading,
)
from ..services.bulk import (
    PlannedAlbum,
    bulk_job_cancel,
    bulk_job_create,
    bulk_job_pins_shown,
    bulk_job_plan_save,
    bulk_job_retry,
    bulk_job_start,
)
from ..services.members import member_add, member_remove, member_roster_ensure, member_roster_refresh
from ..spreadsheets import csv_template
from .common import agency_connections_or_404, album_form_page, member_looked_up, member_search_form, roster_context

BULK_JOB_PAGE_SIZE = 25
ROSTER_PAGE_SIZE = 100


def _chosen_agency(request: HttpRequest) -> tuple[Connection, list[Connection]]:
    """The agency named by the `agency` parameter (the first one by default), and all of them."""
    connections = agency_connections_or_404(request)
    wanted = request.POST.get("agency") or request.GET.get("agency")
    if not wanted:
        return connections[0], connections
    chosen = next((c for c in connections if str(c.pk) == wanted), None)
    if chosen is None:
        raise Http404("That agency is not available to you.")
    return chosen, connections


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    connection, connections = _chosen_agency(request)
    member_roster_ensure(connections=[connection])
    search = member_search_form(request)
    roster = member_search(member_roster(connection=connection), query=search.query)
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
            "recent_jobs": bulk_job_list(user=request.user)[:5],
            **roster_context([connection]),
        },
    )


@login_required
def member_roster_state(request: HttpRequest) -> JsonResponse:
    """What the roster notice's script polls for: whether a roster of the user's agencies is still loading."""
    return JsonResponse({"loading": roster_loading(connections=agency_connections_or_404(request))})


def _agency_or_404(request: HttpRequest, pk: int) -> Connection:
    connection = agency_connection_get(user=request.user, pk=pk)
    if connection is None:
        raise Http404("That agency is not available to you.")
    return connection


def _roster_url(connection: Connection) -> str:
    return f"{reverse('member_list')}?agency={connection.pk}"


def _service_run_and_report(request: HttpRequest, action: Callable[[], str]) -> None:
    """Run a service call; show what it did, or why it was refused."""
    try:
        messages.success(request, action())
    except PortalError as error:
        messages.error(request, error.message)


def _roster_refresh(connection: Connection) -> str:
    refresh = member_roster_refresh(connection=connection)
    return (
        f"Member list refreshed from AdultWork: {refresh.members} members, {refresh.added} new, "
        f"{refresh.gone_stale} no longer in the group."
    )


@login_required
@require_POST
def member_roster_refresh_view(request: HttpRequest, connection_pk: int) -> HttpResponse:
    connection = _agency_or_404(request, connection_pk)
    _service_run_and_report(request, lambda: _roster_refresh(connection))
    return redirect(_roster_url(connection))


@login_required
def member_add_view(request: HttpRequest, connection_pk: int) -> HttpResponse:
    connection = _agency_or_404(request, connection_pk)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = member_add(
                connection=connection,
                aw_user_id=form.cleaned_data["aw_user_id"],
                nickname=form.cleaned_data["nickname"],
            )
        except PortalError as error:
            form.add_portal_error(error)
        else:
            messages.success(request, f"Added {member} to the member list.")
            return redirect(_roster_url(connection))
    return render(request, "albums/member_add.html", {"agency": connection, "add_form": form})


def _member_remove(member: Member) -> str:
    member_remove(member=member)
    return f"Removed {member} from the member list."


@login_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404("No such member in an agency available to you.")
    _service_run_and_report(request, lambda: _member_remove(member))
    return redirect(_roster_url(member.connection))


@login_required
def bulk_job_create_view(request: HttpRequest) -> HttpResponse:
    connection, connections = _chosen_agency(request)
    member_roster_ensure(connections=[connection])
    search = member_search_form(request)
    members = members_actable(user=request.user, connection=connection)
    member_count = members.count()
    initial = None
    if request.method != "POST":
        members = member_search(members, query=search.query)
        if found := member_looked_up(request, search=search, members=members):
            initial = {"members": [found.aw_user_id]}
    form = BulkJobForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk_job_create(
                user=request.user,
                connection=connection,
                member_user_ids=form.chosen_user_ids,
                album=form.album_input,
                pin_mode=form.cleaned_data["pin_mode"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except PortalError as error:
            form.add_portal_error(error)  # nothing was queued, so the same key may be sent again
        else:
            return redirect(job)
    context = {
        "form": form,
        "search": search,
        "agency": connection,
        "agencies": connections,
        "member_count": member_count,
        **roster_context([connection]),
    }
    return album_form_page(request, "albums/bulk_job_form.html", context)


@never_cache
@login_required
def bulk_job_csv_view(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file planning one album per member; see each row good or refused, with the reasons."""
    connection, connections = _chosen_agency(request)
    member_roster_ensure(connections=[connection])
    members = members_actable(user=request.user, connection=connection)
    form = BulkCsvForm(request.POST or None, request.FILES or None, members=members)
    draft = None
    if request.method == "POST" and form.is_valid() and form.plan.good:
        try:
            draft = bulk_job_plan_save(
                user=request.user,
                connection=connection,
                name=f"From {form.cleaned_data['file'].name}",
                planned=[PlannedAlbum(member=row.member, album=row.album) for row in form.plan.good],
            )
        except PortalError as error:
            form.add_error("file", error.message)
    context = {
        "form": form,
        "plan": form.plan,
        "draft": draft,
        "agency": connection,
        "agencies": connections,
        "max_rows": settings.BULK_CSV_MAX_ROWS,
        "max_bytes": settings.BULK_CSV_MAX_BYTES,
        **roster_context([connection]),
    }
    return render(request, "albums/bulk_job_csv.html", context)


@login_required
@require_POST
def bulk_job_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a checked spreadsheet's good rows."""
    job = bulk_job_draft_get(user=request.user, pk=pk)
    if job is None:
        raise Http404("No checked spreadsheet of yours waits to be started.")
    return redirect(bulk_job_start(job=job))


@login_required
def bulk_job_csv_template(request: HttpRequest) -> HttpResponse:
    """The CSV template: its headings and two example rows."""
    agency_connections_or_404(request)
    response = HttpResponse(csv_template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bulk-albums-template.csv"'
    return response


@login_required
def bulk_job_list_view(request: HttpRequest) -> HttpResponse:
    agency_connections_or_404(request)
    page = Paginator(bulk_job_list(user=request.user), BULK_JOB_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "albums/bulk_job_list.html", {"page_obj": page})


def _bulk_job_or_404(request: HttpRequest, pk: int) -> BulkJob:
    job = bulk_job_get(user=request.user, pk=pk)
    if job is None:
        raise Http404("No such bulk job available to you.")
    return job


def _bulk_job_page(request: HttpRequest, job: BulkJob, *, pins: bool = False) -> HttpResponse:
    """The job's progress; its generated PINs too, when `pins` (asked for) or when its creator opens the
    finished job for the first time."""
    progress = bulk_job_progress(job=job)
    own_pins = job.created_by_id == request.user.pk and job.pin_mode == BulkJob.PinMode.EACH
    if own_pins and not pins:
        pins = bulk_job_pins_shown(job=job)
    context = {
        "job": progress.job,
        "progress": progress,
        "can_show_pins": own_pins and progress.is_finished,
        "pins": bulk_job_pins(job=job) if pins and own_pins and progress.is_finished else None,
    }
    return render(request, "albums/bulk_job_detail.html", context)


@never_cache
@login_required
def bulk_job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _bulk_job_page(request, _bulk_job_or_404(request, pk))


def _own_finished_pins_or_404(request: HttpRequest, pk: int) -> BulkJob:
    # Agency staff may follow each other's jobs, but PINs only ever go to the one who queued them.
    job = _bulk_job_or_404(request, pk)
    if job.created_by_id != request.user.pk or job.pin_mode != BulkJob.PinMode.EACH or job.status != BulkJob.Status.FINISHED:
        raise Http404("No generated PINs of yours on this job.")
    return job


@never_cache
@login_required
@require_POST
def bulk_job_pins_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show PINs: the job's page with its generated PINs, to the job's creator, on request."""
    return _bulk_job_page(request, _own_finished_pins_or_404(request, pk), pins=True)


@never_cache
@login_required
@require_POST
def bulk_job_pins_csv(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_finished_pins_or_404(request, pk)
    response = HttpResponse(pins_csv(bulk_job_pins(job=job)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bulk-job-{job.pk}-pins.csv"'
    return response


@login_required
@require_POST
def bulk_job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _bulk_job_or_404(request, pk)
    _service_run_and_report(
        request, lambda: f"Cancelled: {bulk_job_cancel(job=job)} member(s) will not be sent; those on their way finish."
    )
    return redirect(job)


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
    _service_run_and_report(request, lambda: f"Sending again to {bulk_job_retry(job=job)} failed member(s).")
    return redirect(job)
