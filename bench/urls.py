from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from albums.uploads import accepts_pictures
from awportal.urls import urlpatterns as portal_urlpatterns

from .pictures import RECEIVE_PATH
from .throughput import SIGNED_IN_TRIVIAL_PATH, TRIVIAL_PATH


def trivial(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the floor the history page's throughput is compared with."""
    return HttpResponse("ok", content_type="text/plain")


@accepts_pictures
def pictures_received(request: HttpRequest) -> HttpResponse:
    """Receives pictures through the portal's upload handler, as the Add pictures page does."""
    return HttpResponse(str(len(request.FILES.getlist("pictures"))), content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.lstrip("/"), trivial),
    # The same behind the sign-in check, which every portal page pays (session and user reads).
    path(SIGNED_IN_TRIVIAL_PATH.lstrip("/"), login_required(trivial)),
    path(RECEIVE_PATH.lstrip("/"), pictures_received),
    *portal_urlpatterns,
]
