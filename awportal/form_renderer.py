"""Form widgets rendered through Jinja2, which Django ships the same widget templates for, and the most
common of them written out directly.

Django's template engine spent about a quarter of a form page's time on widgets (bench/throughput.py).
Through Jinja2 it was still most of a form page's own work: a field is five small templates (field,
label, errors, widget, its attributes), each with a new Jinja2 context. The templates below are so
small that their Python is shorter than them; each function writes exactly what its template writes,
escaped by the same markupsafe Jinja2 escapes with (tests/awportal/test_form_renderer.py compares them
on every field of every form). Any other template, and a field in a fieldset, goes through the
templates. A widget template that exists only for Django's engine (the admin's own widgets) is
rendered by it, so every form keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from markupsafe import escape

_INPUT_TYPES = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "input", "number",
                "password", "search", "tel", "text", "time", "url")  # their templates all include input.html
_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: Mapping) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: Mapping) -> str:
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(context: Mapping) -> str:
    widget = context["widget"]
    value = escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: Mapping) -> str:
    return f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>{escape(option["label"])}</option>'


def _label(context: Mapping) -> str:
    label = escape(context["label"])
    if not context["use_tag"]:
        return str(label)
    tag = escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs']) if context['attrs'] else ''}>{label}</{tag}>"


class PortalFormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def __init__(self) -> None:
        super().__init__()
        direct: dict[str, Callable[[Mapping], str]] = {
            f"django/forms/widgets/{kind}.html": _input for kind in _INPUT_TYPES
        }
        direct |= {
            "django/forms/widgets/textarea.html": _textarea,
            "django/forms/widgets/select.html": self._select,
            "django/forms/label.html": _label,
            "django/forms/errors/list/default.html": self._errors,
            "django/forms/field.html": self._field,
        }
        self._direct = direct

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)

    def render(self, template_name, context, request=None):
        direct = self._direct.get(template_name)
        if direct is None:
            return super().render(template_name, context, request=request)
        written = direct(context)
        return super().render(template_name, context, request=request) if written is None else written.strip()

    def _select(self, context: Mapping) -> str:
        widget = context["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in group_choices:
                if option["template_name"] == _OPTION:
                    parts.append(f"\n  {_option(option)}")
                else:
                    parts.append(f"\n  {super().render(option['template_name'], {**context, 'widget': option})}")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    @staticmethod
    def _errors(context: Mapping) -> str | None:
        """Nothing for no errors (every field asks on every page); the template for any."""
        return "" if not context["errors"] else None

    @staticmethod
    def _field(context: Mapping) -> str | None:
        field = context["field"]
        if field.use_fieldset:
            return None
        label = escape(field.label_tag()) if field.label else ""
        help_text = ""
        if field.help_text:
            described = f' id="{escape(field.auto_id)}_helptext"' if field.auto_id else ""
            help_text = f'<div class="helptext"{described}>{field.help_text}</div>'
        return f"\n  {label}\n\n{help_text}\n{escape(field.errors)}\n{escape(field)}\n"
