from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import engines, loader


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.fixture
def london(settings):
    settings.TIME_ZONE = "Europe/London"


def test_a_time_shows_in_the_portals_time_zone_as_djangos_templates_showed_it(london):
    summer_noon_utc = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)

    assert render("{{ t }}", t=summer_noon_utc) == "1 Jul 2026, 1 p.m."
    assert render("{{ t|date('c') }} {{ t|time('H:i') }}", t=summer_noon_utc) == "2026-07-01T13:00:00+01:00 13:00"


def test_a_normalised_decimal_shows_as_a_number():
    assert render("{{ price.normalize() }} credits", price=Decimal("10.000")) == "10 credits"


def test_text_is_escaped_and_safe_strings_are_not():
    assert render("{{ name }}", name="<b>'x'</b>") == "&lt;b&gt;&#39;x&#39;&lt;/b&gt;"


@pytest.mark.parametrize("name", ["400.html", "403_csrf.html", "404.html", "500.html"])
def test_an_error_page_renders_without_a_request(name):
    html = loader.get_template(name).render()

    assert html.startswith("<!DOCTYPE html>") and "Sign out" not in html


def test_a_url_follows_the_script_prefix_it_is_served_under():
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/portal/")
        under_prefix = render("{{ url('album_list') }} {{ url('album_check', 7) }}")
    finally:
        set_script_prefix("/")

    assert under_prefix == "/portal/albums/ /portal/albums/7/check/"
    assert render("{{ url('album_list') }} {{ url('album_check', 7) }}") == "/albums/ /albums/7/check/"


def test_a_page_masks_its_csrf_token_once_for_all_its_forms(client, django_user_model):
    import re

    client.force_login(django_user_model.objects.create_user("reader", password="x" * 12))

    page = client.get("/albums/new/").content.decode()

    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) == 2 and len(set(tokens)) == 1  # the sign-out form and the album form


def test_a_page_without_a_form_sets_no_csrf_cookie(client):
    response = client.get("/accounts/login/", {"next": "/"})
    assert "csrftoken" in response.cookies  # the sign-in form prints it

    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "csrftoken" not in response.cookies
