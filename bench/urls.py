from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from awportal.urls import urlpatterns as portal_urlpatterns

from .throughput import SIGNED_IN_TRIVIAL_PATH, TRIVIAL_PATH


def trivial(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the floor the history page's throughput is compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.lstrip("/"), trivial),
    # The same behind the sign-in check, which every portal page pays (session and user reads).
    path(SIGNED_IN_TRIVIAL_PATH.lstrip("/"), login_required(trivial)),
    *portal_urlpatterns,
]
