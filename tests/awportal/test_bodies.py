"""A form body Django cannot read gets the portal's 400 page, whatever view it was for."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that checks CSRF as a browser's request is checked: the check reads the body first."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


@pytest.mark.parametrize("charset", ["iso-8859-1", "utf-16", "utf-7"])
def test_a_form_in_another_character_encoding_gets_the_400_page(browser, charset):
    response = browser.post(
        reverse("login"), data=b"username=a&password=b", content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "character encoding other than UTF-8" in response.content.decode()


def test_a_form_with_more_fields_than_django_reads_gets_the_400_page(browser, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = browser.post(reverse("login"), data="&".join(f"f{i}=1" for i in range(11)), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "The portal could not read this form" in response.content.decode()


def test_a_utf8_form_goes_on_to_its_view(browser):
    response = browser.post(reverse("login"), data=b"username=a", content_type="application/x-www-form-urlencoded; charset=utf-8")
    assert response.status_code == 403  # the CSRF check, reading the same body, now answers
