"""Two-step sign-in: offered to everyone, owed by administrators and whoever may act for a group's
members, through the real sign-in pages (Django's Client: its force_login passes no second step)."""

import base64
import re
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import recovery_code_digest
from harness.second_factor import totp_code, totp_device_confirmed
from tests.factories import ManagerConnectionFactory, StaffGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "portal-password-1"
SETUP, VERIFY = reverse("two_factor_setup"), reverse("two_factor_verify")


def password_sign_in(user, url: str = reverse("login")) -> Client:
    browser = Client()
    response = browser.post(url, {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return browser


def lands_on(response) -> str:
    return response["Location"].split("?")[0] if response.status_code == 302 else f"{response.status_code}"


def agency_staff():
    user = UserFactory()
    StaffGrantFactory(user=user)
    return user


OWING = {
    "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
    "staff with admin access": lambda: UserFactory(is_staff=True),
    "group manager": lambda: ManagerConnectionFactory().user,
    "agency staff": agency_staff,
}


@pytest.mark.parametrize("who", sorted(OWING))
def test_who_may_act_for_others_must_set_up_an_app_before_any_page(who):
    browser = password_sign_in(OWING[who]())

    for url in (reverse("dashboard"), reverse("album_list"), reverse("member_list"), reverse("admin:index")):
        response = browser.get(url)
        assert lands_on(response) == SETUP and f"next={url.replace('/', '%2F')}" in response["Location"], url
    assert browser.post(reverse("album_create"), {"name": "x"})["Location"] == SETUP
    assert browser.get(SETUP).status_code == 200


def test_the_admins_own_sign_in_form_leads_to_the_second_step_too():
    root = UserFactory(is_staff=True, is_superuser=True)
    totp_device_confirmed(root)
    browser = password_sign_in(root, reverse("admin:login"))

    assert lands_on(browser.get(reverse("admin:albums_albumrecord_changelist"))) == VERIFY


def test_a_member_is_offered_an_app_but_not_made_to(client):
    browser = password_sign_in(UserFactory())

    assert browser.get(reverse("dashboard")).status_code == 200
    page = browser.get(reverse("two_factor")).content.decode()
    assert "Off: your password alone signs you in." in page and "Set up two-step sign-in" in page


def test_the_switch_makes_everyone_set_up_an_app(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = True
    browser = password_sign_in(UserFactory())

    assert lands_on(browser.get(reverse("dashboard"))) == SETUP


def setup_page_key(browser: Client) -> tuple[str, str]:
    """The setup page's QR code (an SVG) and the key typed by hand."""
    page = browser.get(SETUP).content.decode()
    svg = unquote(re.search(r'src="data:image/svg\+xml(?:;charset=utf-8)?,([^"]+)"', page).group(1))
    key = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    return svg, key


def app_code(key: str, *, steps_ahead: int = 0) -> str:
    return totp_code(TOTPDevice(key=base64.b32decode(key).hex()), steps_ahead=steps_ahead)


def test_setting_up_shows_a_qr_code_and_key_confirms_with_a_code_and_shows_recovery_codes_once():
    manager = ManagerConnectionFactory().user
    browser = password_sign_in(manager)
    svg, key = setup_page_key(browser)

    right = browser.post(SETUP, {"code": app_code(key), "next": reverse("member_list")})

    assert svg.startswith("<svg") and "style" not in svg and "script" not in svg  # the CSP allows neither
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", right.content.decode())
    assert right.status_code == 200 and len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert stored == {recovery_code_digest(code) for code in codes} and not stored & set(codes)  # hashed
    assert f'href="{reverse("member_list")}"' in right.content.decode()
    # This session passed both steps; the codes are never shown again.
    assert browser.get(reverse("member_list")).status_code == 200
    assert not any(code in browser.get(reverse("two_factor")).content.decode() for code in codes)
    assert "10 unused recovery codes" in browser.get(reverse("two_factor")).content.decode()


def test_a_wrong_code_at_setup_leaves_it_off_and_says_so():
    member = UserFactory()
    browser = password_sign_in(member)
    _, key = setup_page_key(browser)

    wrong = browser.post(SETUP, {"code": "000000" if app_code(key) != "000000" else "111111"})
    right_too_soon = browser.post(SETUP, {"code": app_code(key)})

    assert "That code does not match. Check the phone" in wrong.content.decode()
    assert "Too many wrong codes: wait until" in right_too_soon.content.decode()
    assert not TOTPDevice.objects.filter(user=member, confirmed=True).exists()


def test_signing_in_with_an_app_asks_for_its_code_and_goes_where_the_sign_in_was_going():
    manager = ManagerConnectionFactory().user
    device = totp_device_confirmed(manager)
    browser = Client()
    response = browser.post(
        reverse("login") + "?next=/members/", {"username": manager.username, "password": PASSWORD, "next": "/members/"}
    )
    to_verify = browser.get(response["Location"])

    assert lands_on(to_verify) == VERIFY and "next=%2Fmembers%2F" in to_verify["Location"]
    assert browser.get(to_verify["Location"]).status_code == 200
    answer = browser.post(VERIFY, {"code": totp_code(device), "next": "/members/"})
    assert answer["Location"] == "/members/"
    assert browser.get("/members/").status_code == 200


def test_a_password_alone_cannot_replace_the_app_or_open_anything_but_the_code_page():
    member = UserFactory()  # not obliged: the app, once set up, is owed all the same
    totp_device_confirmed(member)
    browser = password_sign_in(member)

    for url in (reverse("dashboard"), reverse("two_factor"), SETUP, reverse("admin:index")):
        assert lands_on(browser.get(url)) == VERIFY, url
    assert lands_on(browser.post(SETUP, {"code": "123456"})) == VERIFY
    assert browser.post(reverse("recovery_codes_new"))["Location"].startswith(VERIFY)
    assert browser.post(reverse("two_factor_disable"))["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=member).count() == 1
    assert browser.post(reverse("logout")).status_code == 302  # signing out always works


def test_a_recovery_code_signs_in_once():
    manager = ManagerConnectionFactory().user
    first = password_sign_in(manager)
    _, key = setup_page_key(first)
    page = first.post(SETUP, {"code": app_code(key)}).content.decode()
    code = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)[0]

    again = password_sign_in(manager)
    used = again.post(VERIFY, {"code": code.upper()}, follow=True)
    third = password_sign_in(manager)
    reused = third.post(VERIFY, {"code": code})

    assert used.redirect_chain[-1][0] == reverse("dashboard") and "9 left" in used.content.decode()
    assert reused.status_code == 200 and "That code does not match" in reused.content.decode()


def test_after_a_wrong_code_even_the_right_one_waits():
    manager = ManagerConnectionFactory().user
    device = totp_device_confirmed(manager)
    browser = password_sign_in(manager)
    wrong = "000000" if totp_code(device) != "000000" else "111111"

    browser.post(VERIFY, {"code": wrong})
    browser.post(VERIFY, {"code": wrong})  # waits at least 2 s from here
    answer = browser.post(VERIFY, {"code": totp_code(device)})

    assert "Too many wrong codes: wait until" in answer.content.decode()
    assert lands_on(browser.get(reverse("dashboard"))) == VERIFY


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_the_code_page_never_sends_anyone_off_the_site(target):
    manager = ManagerConnectionFactory().user
    device = totp_device_confirmed(manager)
    browser = password_sign_in(manager)

    assert browser.post(VERIFY, {"code": totp_code(device), "next": target})["Location"] == reverse("dashboard")


def test_setting_up_again_replaces_the_app_and_its_recovery_codes():
    member = UserFactory()
    browser = password_sign_in(member)
    _, first_key = setup_page_key(browser)
    browser.post(SETUP, {"code": app_code(first_key)})
    old_codes = set(StaticToken.objects.values_list("token", flat=True))

    _, second_key = setup_page_key(browser)
    browser.post(SETUP, {"code": app_code(second_key)})

    assert second_key != first_key
    assert list(TOTPDevice.objects.filter(user=member).values_list("confirmed", flat=True)) == [True]
    assert len(old_codes) == 10 and not old_codes & set(StaticToken.objects.values_list("token", flat=True))


def test_new_recovery_codes_replace_the_old_ones_and_are_shown_once(client):
    manager = ManagerConnectionFactory().user
    client.force_login(manager)
    old = client.post(reverse("recovery_codes_new")).content.decode()
    new = client.post(reverse("recovery_codes_new")).content.decode()

    old_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", old)
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", new)
    assert len(new_codes) == 10 and not set(old_codes) & set(new_codes)
    assert set(StaticToken.objects.values_list("token", flat=True)) == {recovery_code_digest(c) for c in new_codes}


def test_a_member_may_turn_it_off_but_who_must_have_it_may_not():
    member, manager = UserFactory(), ManagerConnectionFactory().user
    for user in (member, manager):
        browser = password_sign_in(user)
        _, key = setup_page_key(browser)
        browser.post(SETUP, {"code": app_code(key)})
        browser.post(reverse("two_factor_disable"))

    assert not TOTPDevice.objects.filter(user=member).exists()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()
