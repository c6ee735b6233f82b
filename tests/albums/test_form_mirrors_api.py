"""The Create album form refuses exactly what CreateAlbum refuses, field by field.

Generated input goes through the form; the values the form normalised it to (what the portal would
send, valid or not) go straight to the stand-in with `requests`. Both sides must name the same fields,
except where the portal is stricter on purpose: it also refuses a well-formed PIN that is easy to guess
(albums.forms.pin_guessable_reason), a name nobody can read as it is (albums.forms.name_unfit_reason),
and a price not written as ASCII digits with at most one point, which it sends as typed.
"""

import re
import uuid
from decimal import Decimal

import requests
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from albums import adultwork as aw
from albums.adultwork.client import json_dumps
from albums.forms import PIN_PATTERN, PLAIN_DECIMAL, AlbumForm, name_unfit_reason, pin_guessable_reason

FIELD_OF_API_NAME = {api_name: field for api_name, field in AlbumForm.api_fields.items()}

AWKWARD = " \t\n\r\x00\x01\x1c\x85\xa0\u2003\u3000\u200b\ufeff\u00e9\U0001f600\U0001d11e<>&\"'"
text_characters = st.one_of(st.characters(codec="utf-8"), st.sampled_from(AWKWARD))
names = st.text(text_characters, max_size=40)
descriptions = st.text(text_characters, max_size=60)
pins = st.one_of(
    st.just(""),
    st.from_regex(r"[A-Za-z0-9]{4}", fullmatch=True),
    st.text(text_characters, min_size=1, max_size=6),
    st.sampled_from(["abcd", "1234", "0000", " ab12 ", "aB3x", "ab-1", "äbcd", "ＡＢＣＤ", "١٢٣٤", "ab\x0012", "ab cd"]),
)
EDGE_PRICES = [
    "0", "-0", "-1", "0.0", "0.000", "0.0000", "1e3", "1E+9", "1E-3", "1e-4", "NaN", "sNaN", "-NaN",
    "Infinity", "-Infinity", "inf", "0.001", "0.0001", "1.5000", " 2.5 ", "+1", ".5", "5.", "1,5", "two",
    "1_000", "1234567890", "9999999999", "999999999.999", "999999999.9990", "1000000000.000",
    "0999999999.999", "١٢", "  ", "1\x00",
]
prices = st.one_of(
    st.just(""),
    st.sampled_from(EDGE_PRICES),
    st.decimals(min_value=Decimal("-1e11"), max_value=Decimal("1e11")).map(str),
    st.integers(min_value=-(10**11), max_value=10**11).map(str),
)


def sent_body(form: AlbumForm) -> dict:
    """What the portal would send for this input, valid or not: each field as the form normalised it."""
    fields = form.fields
    text = {name: fields[name].to_python(form.data[name]) for name in ("name", "description", "pin_number")}
    try:
        price = fields["pin_price"].to_python(form.data["pin_price"])
    except ValidationError:
        price = form.data["pin_price"].strip()  # not a number: it would reach the API as typed
    number = price if isinstance(price, Decimal) and price.is_finite() else None
    body = aw.AlbumInput(
        name=text["name"], description=text["description"], pin_number=text["pin_number"], pin_price=number
    ).body()
    if price is not None and number is None:
        body["PINPrice"] = str(price)
    return body


def refused_by_portal_alone(form: AlbumForm) -> set[str]:
    """The fields whose value CreateAlbum may take but the portal refuses by a rule of its own."""
    pin = form.fields["pin_number"].to_python(form.data["pin_number"])
    name = form.fields["name"].to_python(form.data["name"])
    price = form.data["pin_price"].strip()
    alone = set()
    if re.fullmatch(PIN_PATTERN, pin) and pin_guessable_reason(pin):
        alone.add("pin_number")
    if name and name_unfit_reason(name):
        alone.add("name")
    if price and not PLAIN_DECIMAL.fullmatch(price):
        alone.add("pin_price")
    return alone


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names, description=descriptions, pin_number=pins, pin_price=prices)
def test_the_form_refuses_exactly_the_fields_createalbum_refuses(standin, name, description, pin_number, pin_price):
    form = AlbumForm(
        {
            "submission_key": str(uuid.uuid4()),
            "name": name,
            "description": description,
            "pin_number": pin_number,
            "pin_price": pin_price,
        }
    )
    refused_by_portal = set(form.errors) - {"__all__"}

    answer = requests.post(
        f"{standin.url}/v1/Pictures/CreateAlbum",
        data=json_dumps(sent_body(form)).encode("utf-8"),
        headers={"Authorization": "Bearer demo-member-token", "Content-Type": "application/json"},
        timeout=5,
    )

    assert answer.status_code in (200, 400), answer.text
    model_state = answer.json().get("ModelState", {}) if answer.status_code == 400 else {}
    assert answer.status_code == 200 or model_state, answer.text
    refused_by_api = {FIELD_OF_API_NAME[key.rsplit(".", 1)[-1]] for key in model_state}
    alone = refused_by_portal_alone(form)
    assert alone <= refused_by_portal, form.errors
    assert refused_by_portal - alone == refused_by_api - alone, (form.errors, model_state)
