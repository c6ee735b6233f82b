"""Which address a request comes from, the one thing sign-in throttling keys on.

Behind the TLS proxy every connection comes from the proxy, so REMOTE_ADDR alone would put every client
under one address, and five wrong passwords from anywhere would lock the real user out. The proxy says
whom it forwarded for in X-Forwarded-For, appending the address it saw to whatever the client sent. So
only the entries appended by our own proxies can be believed: read from the right, skip our proxies, and
the first other address is the client. A request that does not come from one of our proxies is taken at
its word, REMOTE_ADDR, whatever it says in X-Forwarded-For.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# One IPv6 subscriber usually holds a whole /64: counting its addresses one by one would give an attacker
# 2^64 fresh starts.
IPV6_PREFIX = 64


def proxy_networks(value: Iterable[str]) -> list[Network] | None:
    """FORWARDED_ALLOW_IPS as gunicorn reads it (addresses and networks), or None for '*' (any peer)."""
    entries = [entry.strip() for entry in value if entry.strip()]
    if "*" in entries:
        return None
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_proxy(address: Address | None) -> bool:
    networks = settings.TRUSTED_PROXIES
    if networks is None:
        return True
    # A peer without an IP address (a Unix socket) is the proxy: gunicorn trusts those too.
    return address is None or any(address in network for network in networks)


def _key(address: Address | None, fallback: str) -> str:
    if address is None:
        return fallback
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address), IPV6_PREFIX), strict=False))
    return str(address)


# What a proxy says about the client: believed from our proxies only.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


class UntrustedForwardedHeadersMiddleware:
    """Drops X-Forwarded-* that did not come from one of our proxies, before anything reads them.

    gunicorn believes X-Forwarded-Proto only from FORWARDED_ALLOW_IPS, but passes the header on to the
    portal all the same, and Django's SECURE_PROXY_SSL_HEADER would believe it from anyone: a client that
    reaches gunicorn directly could pass for HTTPS. So one rule for every forwarded header: from our
    proxies, or not at all.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if settings.TRUSTED_PROXIES == [] or not _is_proxy(_address(request.META.get("REMOTE_ADDR", ""))):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def client_address(request: HttpRequest) -> str:
    """The client's address (an IPv6 client's /64), as sign-in throttling counts it."""
    peer_text = request.META.get("REMOTE_ADDR", "")
    peer = _address(peer_text)
    if settings.TRUSTED_PROXIES == [] or not _is_proxy(peer):
        return _key(peer, peer_text)
    client, client_text = peer, peer_text
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop_text in reversed(hops):
        hop = _address(hop_text)
        if hop is None:  # not an address: nothing further left can be believed
            break
        client, client_text = hop, hop_text
        if not _is_proxy(hop):
            break
    return _key(client, client_text)
