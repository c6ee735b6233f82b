"""The Jinja2 environment the portal's pages render through (TEMPLATES in settings.py).

Django's template engine cost a page about as much as everything else it did (bench/throughput.py);
Jinja2 compiles each template to Python once. Pages get Django's own helpers under their Django names:
`url()`, `static()`, the `csrf_input` Django puts in every context, and Django's filters (`date`,
`pluralize`, `intcomma`, ...), so a page reads as it did. The admin and other apps' templates stay
Django templates.
"""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import intcomma, naturaltime
from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment

from albums.templatetags.history import history_rows, local_time, status_badge


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        date=defaultfilters.date,
        time=defaultfilters.time,
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
