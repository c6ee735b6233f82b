"""What every Jinja2 page's context holds beyond Django's own (TEMPLATES in settings.py)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.utils.functional import SimpleLazyObject


def csrf_input_once(request: HttpRequest) -> dict:
    """The CSRF field, masked once per page: Django's `csrf_input` masks the token afresh each time a page
    prints it (32 characters, each drawn from urandom), and every page has at least the sign-out form.
    Still made only when printed, so a page without a form sets no CSRF cookie."""
    return {"csrf_input": SimpleLazyObject(lambda: csrf_input(request))}
