"""What a request looked like before a trusted reverse proxy: client address, scheme and host.

A proxy in front of the app (nginx, a load balancer) connects from its own address and may
rewrite ``Host``; it reports the original values in ``X-Forwarded-For``, ``X-Forwarded-Proto`` and
``X-Forwarded-Host``. Anyone can send those headers, so they are used only when the peer that
connected is one the user named as a proxy (`TrustedProxies`); otherwise they are ignored.
Pure: a request in, values out.
"""
from __future__ import annotations

import ipaddress

__all__ = ["TrustedProxies", "Forwarded"]


class Forwarded:
    """The client as the app should see it."""
    __slots__ = ("ip", "scheme", "host")

    def __init__(self, ip: str, scheme: str | None, host: str | None):
        self.ip = ip
        self.scheme = scheme
        self.host = host

    def __repr__(self):
        return f"Forwarded(ip={self.ip!r}, scheme={self.scheme!r}, host={self.host!r})"


def _first(value: str | None) -> str | None:
    if not value:
        return None
    first = value.split(",")[0].strip()
    return first or None


class TrustedProxies:
    """The proxies whose ``X-Forwarded-*`` headers are believed.

    Args:
        proxies: addresses or networks (``"127.0.0.1"``, ``"10.0.0.0/8"``, ``"::1"``), or ``"*"``
            to trust any peer (only when nothing but the proxy can reach the app's port).
    """

    def __init__(self, proxies):
        if isinstance(proxies, str):
            proxies = [proxies]
        if not isinstance(proxies, (list, tuple, set, frozenset)):
            raise TypeError("trusted_proxies must be a list of addresses or networks, or '*'")
        self.any = False
        self.networks = []
        for item in proxies:
            if not isinstance(item, str):
                raise TypeError(f"trusted_proxies entries must be str, not {type(item).__name__}")
            if item == "*":
                self.any = True
                continue
            try:
                self.networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ValueError(f"trusted_proxies: {item!r} is not an IP address or network") from None

    def trusts(self, address: str | None) -> bool:
        if self.any:
            return True
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)

    def resolve(self, peer_ip: str, headers) -> Forwarded:
        """The client's address, scheme and host, believing the headers only from a trusted peer.

        The client address is the right-most ``X-Forwarded-For`` entry that is not itself a trusted
        proxy: entries to its left were written by the client and prove nothing.
        """
        if not self.trusts(peer_ip):
            return Forwarded(peer_ip, None, None)
        ip = peer_ip
        chain = [part.strip() for part in (headers.get("X-Forwarded-For") or "").split(",") if part.strip()]
        for hop in reversed(chain):
            ip = hop
            if not self.trusts(hop):
                break
        scheme = _first(headers.get("X-Forwarded-Proto"))
        if scheme is not None:
            scheme = scheme.lower()
            if scheme not in ("http", "https"):
                scheme = None
        return Forwarded(ip, scheme, _first(headers.get("X-Forwarded-Host")))
