"""Receiving pictures: every file streams to a temporary file on disk, never into memory, and the
limits are enforced while it streams, not after it has all arrived.

- a request whose Content-Length is over AW_PICTURE_MAX_UPLOAD_BYTES is refused before any file is
  read: the fields before the first file (the CSRF token) are parsed, then reading stops;
- a file that grows past AW_PICTURE_MAX_FILE_BYTES is refused as soon as it does: its temporary file
  is deleted and the rest of it is read and thrown away (at most the upload limit), so the other
  files and the answer still arrive;
- files past AW_PICTURE_MAX_FILES are refused the same way, unread.

Refusals name the file; the view reads them from `picture_upload_refusals(request)`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .pictures import PictureRefused, PictureTooLarge


class PictureUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler for every file (however small), within the portal's limits."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_file_bytes = settings.AW_PICTURE_MAX_FILE_BYTES
        self.max_upload_bytes = settings.AW_PICTURE_MAX_UPLOAD_BYTES
        self.max_files = settings.AW_PICTURE_MAX_FILES
        self.refusals: list[PictureRefused] = []
        self.upload_refusal = ""  # about the whole upload, when it is refused
        self.files_seen = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.max_upload_bytes:
            self.upload_refusal = (
                f"These pictures come to {filesizeformat(content_length)}; at most "
                f"{filesizeformat(self.max_upload_bytes)} can be sent at once. Choose fewer pictures."
            )
        return None  # Django's own parser reads the request; the handler only watches it

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        if self.upload_refusal:
            raise StopUpload(connection_reset=True)
        self.files_seen += 1
        self._forget_previous()
        if self.files_seen > self.max_files:
            if self.files_seen == self.max_files + 1:
                self.upload_refusal = (
                    f"At most {self.max_files} pictures can be added at once; {file_name} and those after it "
                    "were not taken. Send them in another batch."
                )
            raise SkipFile
        if content_length is not None and content_length > self.max_file_bytes:
            self._refuse_size(file_name)
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > self.max_file_bytes:
            self.file.close()  # deletes the temporary file
            self._forget_previous()
            self._refuse_size(self.file_name)
        return super().receive_data_chunk(raw_data, start)

    def _refuse_size(self, file_name: str) -> None:
        self.refusals.append(
            PictureTooLarge(
                file_name=file_name,
                reason=f"the file is larger than {filesizeformat(self.max_file_bytes)}, the most one picture may be.",
            )
        )
        raise SkipFile

    def _forget_previous(self) -> None:
        # Django closes (and so deletes) `handler.file` when a file is skipped or the upload stops;
        # the previous file is complete and in request.FILES by then, and must survive that.
        if hasattr(self, "file"):
            del self.file


def picture_upload_refusals(request: HttpRequest) -> tuple[str, list[PictureRefused]]:
    """What the upload handler refused in this request: a message about the whole upload (or ""), and
    the files it refused. Read after request.POST or request.FILES."""
    for handler in request.upload_handlers:
        if isinstance(handler, PictureUploadHandler):
            return handler.upload_refusal, list(handler.refusals)
    return "", []


def accepts_pictures(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that receives pictures. Upload handlers must be set before anything reads
    request.POST, and CsrfViewMiddleware reads it; so, as Django's documentation shows, the
    middleware is skipped and the same CSRF check runs here, after the handler is in place."""
    protected = csrf_protect(view)

    @wraps(view)
    def receive(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.upload_handlers = [PictureUploadHandler(request)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(receive)
