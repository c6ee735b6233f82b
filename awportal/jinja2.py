"""The Jinja2 environment the portal's pages render through (TEMPLATES in settings.py).

Django's template engine cost a page about as much as everything else it did (bench/throughput.py);
Jinja2 compiles each template to Python once. Pages get Django's own helpers under their Django names:
`url()`, `static()`, the `csrf_input` Django puts in every context, and Django's filters (`date`,
`pluralize`, `intcomma`, ...), so a page reads as it did. The admin and other apps' templates stay
Django templates.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime
from jinja2 import Environment

from albums.history_html import history_rows, local_time, status_badge


def url(name: str, *args) -> str:
    """reverse(), remembered: a page's navigation alone asks for ten URLs, the same on every page."""
    return _reversed(get_urlconf(), get_script_prefix(), name, args)


@lru_cache(maxsize=1024)
def _reversed(urlconf: str | None, prefix: str, name: str, args: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args or None)


def _shown(value):
    """What Django's engine prints for a value: dates and times in the portal's time zone and format,
    decimals as numbers (never "1E+1"); anything else as it is."""
    if isinstance(value, (datetime, date, time, Decimal, float)):
        return localize(template_localtime(value))
    return value


def _in_local_time(django_filter):
    """A Django date filter given the value in the portal's time zone, as Django's engine gives it."""

    def local_filter(value, arg=None):
        return django_filter(template_localtime(value), arg)

    return local_filter


def environment(**options) -> Environment:
    env = Environment(finalize=_shown, **options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        date=_in_local_time(defaultfilters.date),
        time=_in_local_time(defaultfilters.time),
        pluralize=defaultfilters.pluralize,
        yesno=defaultfilters.yesno,
        filesizeformat=defaultfilters.filesizeformat,
        truncatechars=defaultfilters.truncatechars,
        default_if_none=defaultfilters.default_if_none,
        intcomma=intcomma,
        naturaltime=naturaltime,
        history_rows=history_rows,
        local_time=local_time,
        status_badge=status_badge,
    )
    return env
