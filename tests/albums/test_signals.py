"""Signing in and out (Django's auth views, with albums/signals.py's messages), and pages that need it."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["dashboard", "connect", "album_list", "album_create"])
def test_pages_need_signing_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sign_in_page_signs_in(client):
    UserFactory(username="ann")
    response = client.post(reverse("login"), {"username": "ann", "password": "portal-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert "Signed in as ann." in client.get(response["Location"]).content.decode()


def test_signing_out_says_so(signed_in):
    response = signed_in.post(reverse("logout"), follow=True)
    assert "Signed out." in response.content.decode()
