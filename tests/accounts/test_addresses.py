"""Whose address a request is: the peer's, unless the peer is one of our proxies."""

import pytest
from django.test import RequestFactory

from accounts.addresses import client_address, proxy_networks

PROXY = "10.0.0.2"


def address(remote_addr: str, forwarded_for: str | None = None) -> str:
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = proxy_networks([PROXY, "192.168.0.0/24"])


def test_without_a_proxy_the_peer_is_the_client_whatever_it_forwards(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(behind_proxy):
    assert address(PROXY, "203.0.113.7") == "203.0.113.7"


def test_what_a_client_puts_in_front_of_the_proxys_entry_is_ignored(behind_proxy):
    assert address(PROXY, "198.51.100.1, 127.0.0.1, 203.0.113.7") == "203.0.113.7"


def test_a_chain_of_our_own_proxies_is_walked_through(behind_proxy):
    assert address(PROXY, "203.0.113.7, 192.168.0.9") == "203.0.113.7"


def test_a_peer_that_is_not_our_proxy_cannot_choose_its_address(behind_proxy):
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "x" * 10_000, ", ,"])
def test_a_missing_or_odd_forwarded_header_leaves_the_proxy_as_the_client(behind_proxy, forwarded):
    assert address(PROXY, forwarded) == PROXY


def test_an_ipv6_client_counts_as_its_64_so_it_cannot_rotate_addresses(behind_proxy):
    assert address(PROXY, "2001:db8:1:2:aaaa::1") == address(PROXY, "2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address(PROXY, "2001:db8:1:3::1") == "2001:db8:1:3::/64"


def test_an_ipv4_mapped_ipv6_client_is_its_ipv4_address(behind_proxy):
    assert address(PROXY, "::ffff:203.0.113.7") == "203.0.113.7"


def test_any_peer_is_a_proxy_with_a_star(settings):
    settings.TRUSTED_PROXIES = proxy_networks(["*"])
    assert address("203.0.113.7", "198.51.100.1") == "198.51.100.1"


def test_the_setting_reads_forwarded_allow_ips_only_behind_a_proxy():
    from tests.awportal.test_production import settings_value

    behind = settings_value("settings.TRUSTED_PROXIES", BEHIND_TLS_PROXY="true", FORWARDED_ALLOW_IPS="10.0.0.2,10.1.0.0/16")
    direct = settings_value("settings.TRUSTED_PROXIES", FORWARDED_ALLOW_IPS="10.0.0.2")
    assert behind.stdout.strip() == "[IPv4Network('10.0.0.2/32'), IPv4Network('10.1.0.0/16')]", behind.stderr
    assert direct.stdout.strip() == "[]", direct.stderr


def test_a_peer_that_is_not_our_proxy_cannot_pass_for_https(client, settings):
    settings.TRUSTED_PROXIES = proxy_networks([PROXY])
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    direct = client.get("/accounts/login/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    proxied = client.get("/accounts/login/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert direct.status_code == 301 and direct["Location"].startswith("https://")
    assert proxied.status_code == 200


def test_without_a_proxy_no_forwarded_header_reaches_the_portal(client, settings):
    settings.TRUSTED_PROXIES = []
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_X_FORWARDED_HOST="evil.example")
    assert "HTTP_X_FORWARDED_FOR" not in response.wsgi_request.META
    assert "HTTP_X_FORWARDED_HOST" not in response.wsgi_request.META
