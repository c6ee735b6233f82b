"""A test-only URLconf: a view that receives pictures through the portal's upload handler and says
what arrived, so the handler is tested through real Django requests. Never in the portal's URLs."""

import os

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path

from albums.uploads import accepts_pictures, picture_upload_refusals
from awportal.urls import urlpatterns as portal_urlpatterns


@accepts_pictures
def receive(request: HttpRequest) -> JsonResponse:
    files = [
        {
            "name": upload.name,
            "size": upload.size,
            "path": upload.temporary_file_path(),
            "content": upload.read().decode("latin-1"),
        }
        for upload in request.FILES.getlist("pictures")
    ]
    upload_refusal, refusals = picture_upload_refusals(request)
    return JsonResponse(
        {
            "title": request.POST.get("title"),
            # Every file in the upload directory while the view runs.
            "on_disk": sorted(os.listdir(settings.FILE_UPLOAD_TEMP_DIR)) if settings.FILE_UPLOAD_TEMP_DIR else None,
            "files": files,
            "upload_refusal": upload_refusal,
            "refused": [{"file_name": r.file_name, "message": r.message} for r in refusals],
        }
    )


# The portal's own pages too: error pages (a CSRF refusal) link to them.
urlpatterns = [path("receive/", receive), *portal_urlpatterns]
