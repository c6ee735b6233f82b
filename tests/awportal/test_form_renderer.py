"""The renderer's directly written widgets, labels, error lists and field groups against Django's own
Jinja2 templates, on every field of every form of the portal, empty, filled with hostile text, and refused."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import Jinja2
from django.http import QueryDict

from accounts.forms import SecondFactorCodeForm
from albums import forms as album_forms
from albums.bulk_csv import BulkCsvForm
from awportal.form_renderer import PortalFormRenderer

HOSTILE = "<b>&amp; \"quoted\" 'single' \x00 é😀</b>"
MEMBERS = [SimpleNamespace(aw_user_id=200001, nickname="<i>member</i>", pk=1), SimpleNamespace(aw_user_id=200002, nickname="two", pk=2)]
SENDERS = [SimpleNamespace(pk=7, get_username=lambda: "<sender>")]


def hostile_data(form_class, **kwargs) -> QueryDict:
    fields = form_class(**kwargs).fields if kwargs else form_class().fields
    data = QueryDict(mutable=True)
    for name in fields:
        data[name] = HOSTILE
    return data


FORMS = {
    "album": (album_forms.AlbumForm, {}),
    "album edit": (album_forms.AlbumEditForm, {"current_pin": "x7Q2"}),
    "album remove": (album_forms.AlbumRemoveForm, {}),
    "picture upload": (album_forms.PictureUploadForm, {}),
    "access token": (album_forms.AccessTokenForm, {}),
    "member album": (album_forms.MemberAlbumForm, {"members": MEMBERS}),
    "bulk job": (album_forms.BulkJobForm, {"members": MEMBERS}),
    "member add": (album_forms.MemberAddForm, {}),
    "member search": (album_forms.MemberSearchForm, {}),
    "album sync": (album_forms.AlbumSyncForm, {}),
    "second factor": (SecondFactorCodeForm, {}),
    "bulk csv": (BulkCsvForm, {"members": MEMBERS}),
    "sign in": (AuthenticationForm, {}),
}


def rendered(form) -> list[str]:
    out = []
    for field in form:
        out += [str(field.as_field_group()), str(field), str(field.label_tag()), str(field.errors)]
    return out


def both(make) -> tuple[list[str], list[str]]:
    """The same form (its random initial values included) through each renderer."""
    form = make()
    form.renderer = PortalFormRenderer()
    ours = rendered(form)
    form.renderer = Jinja2()
    return ours, rendered(form)


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize("state", ["empty", "hostile"])
def test_each_field_renders_as_djangos_templates_render_it(db, name, state):
    form_class, kwargs = FORMS[name]
    if state == "empty":
        ours, theirs = both(lambda: form_class(**kwargs))
    else:
        data = hostile_data(form_class, **kwargs)

        def make():
            form = form_class(data, **kwargs)
            form.is_valid()
            return form

        ours, theirs = both(make)
        if name == "album":  # refused, so its error lists were compared too
            assert sum("errorlist" in html for html in theirs) >= 3
    assert ours == theirs


@pytest.mark.parametrize("query", ["", "name=%3Cb%3E&status=created&kind=edit&sent_by=7&created_from=2026-13-40&sort=oldest"])
def test_the_history_filters_render_as_djangos_templates_render_them(query):
    def make():
        form = album_forms.HistoryFilterForm(QueryDict(query), senders=SENDERS)
        form.is_valid()
        return form

    ours, theirs = both(make)
    assert ours == theirs and any("<select" in html for html in ours)
