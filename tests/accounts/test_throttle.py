"""Sign-in throttling through the proxy: per username and address, and per address across usernames.
Nobody can lock a user out from another address."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.addresses import proxy_networks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
PASSWORD = "portal-password-1"


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = proxy_networks([PROXY])


def sign_in(username: str, password: str, *, client_address: str, url: str = reverse("login")):
    """A sign-in as the proxy forwards it: from the proxy's address, naming the client's."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address).post(
        url, {"username": username, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_failures_from_one_address_never_lock_out_a_correct_sign_in_from_another(url):
    victim = UserFactory(username="victim", is_staff=True, is_superuser=True)
    for _ in range(10):
        sign_in("victim", "wrong", client_address="203.0.113.66", url=url)

    locked = sign_in("victim", PASSWORD, client_address="203.0.113.66", url=url)
    elsewhere = sign_in("victim", PASSWORD, client_address="198.51.100.7", url=url)

    assert locked.status_code == 429
    assert signed_in(elsewhere) and elsewhere.wsgi_request.user == victim


def test_the_lockout_page_says_until_when_and_retry_after_agrees(settings):
    UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("victim", "wrong", client_address="203.0.113.66")

    response = sign_in("victim", PASSWORD, client_address="203.0.113.66")

    page = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "Signing in as victim from your address is paused after 5 failed attempts." in page
    assert "Try again after <time datetime=" in page and "in 15 minutes" in page


def test_spraying_many_usernames_from_one_address_is_stopped_across_usernames(settings):
    usernames = [f"member{n}" for n in range(26)]
    for username in usernames:
        UserFactory(username=username)
    answers = [
        sign_in(username, f"guess{attempt}", client_address="203.0.113.66").status_code
        for attempt in range(4)  # under the per-user limit of 5, for each of them
        for username in usernames
    ]

    assert answers[: settings.SIGN_IN_ADDRESS_LIMIT] == [200] * settings.SIGN_IN_ADDRESS_LIMIT
    assert set(answers[settings.SIGN_IN_ADDRESS_LIMIT :]) == {429}
    # Paused for everyone from that address, even with the right password; never for another address.
    assert sign_in("member0", PASSWORD, client_address="203.0.113.66").status_code == 429
    assert signed_in(sign_in("member0", PASSWORD, client_address="198.51.100.7"))


def test_the_address_pause_page_says_until_when():
    UserFactory(username="member")
    for n in range(20):
        sign_in(f"nobody{n}", "guess", client_address="203.0.113.66")

    response = sign_in("member", PASSWORD, client_address="203.0.113.66")

    page = response.content.decode()
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 900
    assert "Sign-ins from your address are paused after 20 failed attempts in a short time." in page
    assert "Try again after <time datetime=" in page


def test_the_admin_sign_in_counts_towards_the_same_address_limit():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for n in range(20):
        sign_in(f"nobody{n}", "guess", client_address="203.0.113.66", url=reverse("admin:login"))

    assert sign_in("root", PASSWORD, client_address="203.0.113.66", url=reverse("admin:login")).status_code == 429


def test_successful_sign_ins_do_not_count_towards_the_address_limit():
    UserFactory(username="member")
    for _ in range(30):
        assert signed_in(sign_in("member", PASSWORD, client_address="203.0.113.66"))
