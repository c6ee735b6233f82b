"""Add pictures: choose them, check their titles, send them in the background and follow them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..errors import PortalError
from ..forms import PictureTextFields, PictureUploadForm
from ..models import PictureUpload
from ..selectors import picture_upload_get, picture_upload_progress
from ..services.gallery import GalleryAlbumFound
from ..services.picture_files import PicturesRefused
from ..services.picture_sending import picture_upload_resume
from ..services.picture_uploads import (
    PictureChoice,
    picture_upload_create,
    picture_upload_discard,
    picture_upload_queue,
)
from ..uploads import accepts_pictures, picture_upload_refusals
from .common import with_listed_album


@login_required
@accepts_pictures
@with_listed_album
def picture_upload_create_view(request: HttpRequest, found: GalleryAlbumFound) -> HttpResponse:
    form = PictureUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        upload_refusal, refusals = picture_upload_refusals(request)
        for message in [upload_refusal, *(refused.message for refused in refusals)]:
            if message:
                form.add_error("pictures", message)
        if form.is_valid():
            try:
                upload = picture_upload_create(
                    user=request.user,
                    found=found,
                    choices=[PictureChoice.of(file) for file in form.cleaned_data["pictures"]],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except PicturesRefused as refused:
                for refusal in refused.refusals:
                    form.add_error("pictures", refusal.message)
                count = len(refused.refusals)
                form.add_error(None, f"{count} picture{'s' if count != 1 else ''} cannot be added, so none was kept or sent.")
            except PortalError as error:
                form.add_error(None, error.message)
            else:
                return redirect(upload)
    limits = {
        "max_files": settings.AW_PICTURE_MAX_FILES,
        "max_file_size": settings.AW_PICTURE_MAX_FILE_BYTES,
        "max_upload_size": settings.AW_PICTURE_MAX_UPLOAD_BYTES,
    }
    return render(request, "albums/picture_upload_form.html", {"form": form, "found": found, **limits})


def _upload_or_404(request: HttpRequest, pk: int) -> PictureUpload:
    upload = picture_upload_get(user=request.user, pk=pk)
    if upload is None:
        raise Http404("No such upload available to you.")
    return upload


def _detail_forms(request: HttpRequest, progress) -> list[tuple[object, PictureTextFields]]:
    data = request.POST if request.method == "POST" else None
    return [
        (picture, PictureTextFields(data, prefix=f"p{picture.pk}", initial={"title": picture.title, "description": picture.description}))
        for picture in progress.pictures
    ]


@login_required
def picture_upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Not sent yet: each picture's title and description, and Send. Then: the pictures as they go."""
    progress = picture_upload_progress(upload=_upload_or_404(request, pk))
    rows = _detail_forms(request, progress)
    if request.method == "POST" and all(form.is_valid() for _, form in rows):
        details = {picture.pk: (form.cleaned_data["title"], form.cleaned_data["description"]) for picture, form in rows}
        try:
            picture_upload_queue(upload=progress.upload, details=details)
        except PortalError as error:
            messages.error(request, error.message)
        return redirect(progress.upload)
    return render(request, "albums/picture_upload_detail.html", {"progress": progress, "upload": progress.upload, "rows": rows})


@login_required
@require_POST
def picture_upload_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload_or_404(request, pk)
    try:
        picture_upload_discard(upload=upload)
    except PortalError as error:
        messages.error(request, error.message)
        return redirect(upload)
    messages.success(request, "The pictures were discarded: nothing was sent, and the portal no longer keeps them.")
    gallery = reverse("gallery")
    return redirect(f"{gallery}?member={upload.aw_user_id}" if upload.for_member else gallery)


@login_required
@require_POST
def picture_upload_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload_or_404(request, pk)
    try:
        picture_upload_resume(upload=upload)
    except PortalError as error:
        messages.error(request, error.message)
    return redirect(upload)


@login_required
def picture_upload_progress_json(request: HttpRequest, pk: int) -> JsonResponse:
    progress = picture_upload_progress(upload=_upload_or_404(request, pk))
    return JsonResponse(
        {
            "status": progress.upload.status,
            "status_label": progress.upload.get_status_display(),
            "finished": progress.upload.status == PictureUpload.Status.FINISHED,
            "total": progress.total,
            "sent": progress.sent,
            "unknown": progress.unknown,
            "failed": progress.failed,
        }
    )
