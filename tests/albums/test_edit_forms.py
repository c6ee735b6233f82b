"""Edit album keeps, replaces or removes the PIN without ever echoing it; Remove album asks one question."""

import uuid
from decimal import Decimal

import pytest

from albums.forms import AlbumEditForm, AlbumRemoveForm


def edit(current_pin: str | None = None, **fields) -> AlbumEditForm:
    form = AlbumEditForm({"submission_key": str(uuid.uuid4()), "name": "Look", **fields}, current_pin=current_pin)
    form.is_valid()
    return form


def sent(form: AlbumEditForm) -> tuple:
    assert form.is_valid(), form.errors
    return form.cleaned_data["pin_number"], form.cleaned_data["pin_price"]


def test_an_empty_pin_box_keeps_the_pin_the_portal_holds():
    assert sent(edit("Qx7r", pin_price="2.5")) == ("Qx7r", Decimal("2.5"))


def test_a_typed_pin_replaces_it():
    assert sent(edit("Qx7r", pin_number="Mh3k", pin_price="3")) == ("Mh3k", Decimal("3"))


def test_remove_the_pin_sends_neither_pin_nor_price():
    assert sent(edit("Qx7r", remove_pin="on", pin_price="2.5")) == ("", None)
    assert sent(edit(None, remove_pin="on", pin_price="rubbish")) == ("", None)


def test_typing_a_pin_and_ticking_remove_is_refused():
    assert "pin_number" in edit("Qx7r", remove_pin="on", pin_number="Mh3k").errors


def test_without_the_pin_the_form_asks_for_one_or_for_its_removal():
    form = edit(None)
    assert form.errors["pin_number"] == ["The portal does not hold this album's PIN: type one, or tick Remove the PIN."]
    assert "does not hold this album's PIN" in form.fields["pin_number"].help_text


def test_an_album_known_to_have_no_pin_keeps_having_none():
    form = edit("")
    assert sent(form) == ("", None)
    assert "The album has no PIN" in form.fields["pin_number"].help_text
    assert "pin_number" in edit("", pin_price="2").errors  # a price alone still needs a PIN


def test_a_kept_pin_still_needs_its_price():
    assert "pin_price" in edit("Qx7r", pin_price="").errors


@pytest.mark.parametrize("pin", ["1234", "aaaa", "abc", "ab-1"])
def test_a_typed_pin_meets_the_create_rules(pin):
    assert "pin_number" in edit("Qx7r", pin_number=pin, pin_price="1").errors


def test_the_create_rules_apply_to_the_rest():
    assert "name" in edit("Qx7r", name="x" * 21, pin_price="1").errors


def test_the_pin_is_never_rendered_back():
    form = edit("Qx7r", pin_number="Mh3k", pin_price="3")
    assert "Qx7r" not in str(form) and "Mh3k" not in str(form)


def test_remove_form_defaults_to_keeping_the_pictures():
    form = AlbumRemoveForm({"submission_key": str(uuid.uuid4())})
    assert form.is_valid() and form.cleaned_data["remove_pictures"] is False
