"""Form widgets rendered through Jinja2, which Django ships the same widget templates for.

Django's template engine spent about a quarter of a form page's time on widgets (bench/throughput.py).
Pages are Jinja2 templates too (awportal/jinja2.py). A widget template that exists only for Django's engine (the admin's own
widgets) is rendered by it, so every form keeps working.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class PortalFormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
