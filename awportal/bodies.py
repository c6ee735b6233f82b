"""A request body Django cannot read is answered with the portal's 400 page, not a bare 500.

Django raises when a form body is not UTF-8 (charset=iso-8859-1, utf-16, utf-7), is larger than
DATA_UPLOAD_MAX_MEMORY_SIZE or has too many fields. It raises again from inside its own 400 and 500
handlers, whose CSRF check reads the same body, so gunicorn answers with its bare 500 page. Reading
the body once here, before any view or CSRF check, turns each of these into one clear answer.

A multipart body is left alone: Django marks its own parse errors so they are not raised twice, and a
view receiving pictures must choose its upload handlers before the body is read (albums/uploads.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

logger = logging.getLogger(__name__)


def _reason(exc: Exception) -> str:
    if isinstance(exc, RequestDataTooBig):
        return "It was larger than the portal accepts."
    if isinstance(exc, BadRequest) and "UTF-8" in str(exc):
        return "It was sent in a character encoding other than UTF-8, the only one the portal reads."
    return "It was not a form the portal can read."


class UnreadableBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type != "multipart/form-data":
            try:
                request.POST  # noqa: B018 (reading it is the point: Django parses it once and keeps it)
            except (BadRequest, SuspiciousOperation, MultiPartParserError) as exc:
                # Path only: a query string may carry a secret.
                logger.warning("Refused an unreadable POST body on %s: %s", request.path, type(exc).__name__)
                context = {"reason": _reason(exc)}
                return render(request, "400.html", context, status=400)
        return self.get_response(request)
