"""Filling and sending HTML forms with requests, as a browser without JavaScript would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what the form sends without a button
    buttons: list[tuple[str | None, str]] = field(default_factory=list)  # (name, value or label)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []  # the open select's (value, selected)
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        kind = a.get("type", "text").lower()
        if tag == "button" or (tag == "input" and kind == "submit"):
            form.buttons.append((a.get("name"), a.get("value", "")))
        elif tag == "input" and "name" in a and (kind not in ("checkbox", "radio") or "checked" in a):
            form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and "name" in a:
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            form.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.forms[-1].fields[-1]
            self.forms[-1].fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            # As a browser does: the selected option, else the first.
            chosen = next((value for value, selected in self._options if selected), None)
            if chosen is None and self._options:
                chosen = self._options[0][0]
            if chosen is not None:
                self.forms[-1].fields.append((self._select, chosen))
            self._select = None


def forms_in(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_send(
    http: requests.Session,
    page: requests.Response,
    *,
    button: str | None = None,
    fill: dict[str, str] | None = None,
    index: int = 0,
) -> requests.Response:
    """Send the `index`th form of `page` with `fill` typed in, by the button named `button` (None: the
    form sent by Enter, without any button's name), following redirects."""
    form = forms_in(page.text)[index]
    fill = dict(fill or {})
    data = [(name, fill.pop(name, value)) for name, value in form.fields] + list(fill.items())
    if button is not None:
        value = next(value for name, value in form.buttons if name == button)
        data.append((button, value))
    url = urljoin(page.url, form.action or page.url)
    if form.method == "post":
        return http.post(url, data=data, timeout=10)
    return http.get(url, params=data, timeout=10)
