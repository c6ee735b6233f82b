"""GET /healthz for load balancers and orchestrators: is this process up, and can it reach the database?"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEALTH_PATH = "/healthz"
logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers the health check first in the chain.

    A balancer probes by IP over plain HTTP: ahead of the host check, the HTTPS redirect, sessions
    and CSP it gets a straight answer, and the probe costs one `SELECT 1`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.error("Health check: the database did not answer (%s)", type(exc).__name__)
            response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        else:
            response = JsonResponse({"status": "ok", "database": "up"})
        response["Cache-Control"] = "no-store"
        return response
