"""Who is asking: the client's address, behind reverse proxies we trust and no others.

A proxy appends the address it was connected from to ``X-Forwarded-For``; anyone can write the rest of
that header. So the header is read only when the connecting peer (``REMOTE_ADDR``) is one of
`settings.TRUSTED_PROXIES`, and then from the right: each hop that is a trusted proxy hands over to the
one before it, and the first hop that is not trusted is the client (nginx's ``real_ip_recursive``).
Without trusted proxies the header is never read. A hop written with its port (``198.51.100.9:4711``,
``[2001:db8::1]:443``), as some load balancers do, counts as its address.

Limits count per `client_key`: the address, or for IPv6 its /64 network, which one subscriber holds
whole and could otherwise walk through to escape a limit.

django-ipware does not fit here: it reads forwarding headers whoever connects, and matches trusted
proxies against the entries of the header itself, which the client writes (decision 0009).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` as networks; raises ValueError naming the entry that is neither an
    address nor a network."""
    networks = []
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"'{entry}' is not an address or a network (e.g. 10.0.0.5 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6] or [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == n.version and address in n for n in proxies)


def client_address(request: HttpRequest) -> str:
    """The address of the client behind any trusted proxies (``"unknown"`` when there is none)."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    address = _address(remote)
    if address is None:
        return remote or "unknown"
    proxies: Sequence[Network] = settings.TRUSTED_PROXIES
    if not proxies or not _trusted(address, proxies):
        return str(address)
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    for hop in reversed(hops):
        before = _address(hop)
        if before is None:
            break  # not an address: what a proxy we trust would never write
        address = before
        if not _trusted(address, proxies):
            break
    return str(address)


def client_key(request: HttpRequest) -> str:
    """What a client's attempts are counted under: its address, or its IPv6 /64 network."""
    found = client_address(request)
    address = _address(found)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return found
