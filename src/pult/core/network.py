"""Who is at the other end of a request: one answer for every check that needs it.

The login lockout (django-axes, through AXES_CLIENT_IP_CALLABLE) and /healthz ask
`client_address`; nothing else in Pult reads REMOTE_ADDR or X-Forwarded-For.

- Without BEHIND_PROXY the client is the connection's peer (REMOTE_ADDR) and
  X-Forwarded-For is ignored: anyone can write that header, and a lockout keyed on it
  would let an attacker pick a fresh address for each guess. `pult run` starts uvicorn
  with --no-proxy-headers, so the peer is the real one.
- With BEHIND_PROXY the header is read only when the peer is one of
  FORWARDED_ALLOW_IPS, and only the entry PROXY_COUNT places from its right end: each
  proxy appends the address it was reached from, so that entry was written by the
  outermost proxy of ours and whatever stands left of it by the client.

`pult run` hands uvicorn the same FORWARDED_ALLOW_IPS. When uvicorn has already put the
client in the peer's place, the peer is no longer a trusted proxy and is taken as it
is, so the server and this function never count one hop twice.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Headers that mean "a proxy stands between the client and us".
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address in canonical form, or None when the peer has none
    (a Unix socket). Forwarded headers count only from a configured proxy."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    if not settings.BEHIND_PROXY or not _is_trusted_proxy(peer):
        return str(peer)
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return str(peer)  # the proxy's host talking to us directly (monitoring, say)
    # Fewer entries than proxies: every entry was written by one of ours; the leftmost
    # is the furthest hop known.
    chosen = parse_address(hops[max(0, len(hops) - max(1, settings.PROXY_COUNT))])
    # An entry a proxy wrote that is no address ("unknown", a host name): count the
    # request against the proxy rather than against a name the client may choose.
    return str(chosen if chosen is not None else peer)


def is_local_request(request: HttpRequest) -> bool:
    """A request made on this machine straight to Pult (monitoring on the host): the
    client is a loopback address and no proxy forwarded it."""
    address = parse_address(client_address(request) or "")
    if address is None or not address.is_loopback:
        return False
    return not any(request.META.get(header) for header in FORWARDING_HEADERS)


def parse_address(value: str) -> IPAddress | None:
    """An IP address from REMOTE_ADDR or a forwarded entry (`1.2.3.4`, `1.2.3.4:5678`,
    `[::1]:5678`, `::1`); IPv4-mapped IPv6 reads as IPv4 so one client is one key."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else value
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(peer: IPAddress) -> bool:
    trust_all, networks = _trusted_networks(tuple(settings.FORWARDED_ALLOW_IPS))
    return trust_all or any(peer in network for network in networks)


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[bool, tuple[IPNetwork, ...]]:
    networks: list[IPNetwork] = []
    for entry in entries:
        if entry.strip() == "*":
            return True, ()
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # not an address (uvicorn also trusts literal names; we do not)
    return False, tuple(networks)
