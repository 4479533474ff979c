"""Private-address guard: which IP addresses the checker may connect to.

Links come from workbooks written by other people.  Without this guard a link
such as ``http://192.168.1.1/`` or ``http://169.254.169.254/`` (cloud metadata)
would make the reviewer's laptop talk to its own network.  Every host is resolved
*before* connecting, every address is checked, and the connection is then made
to the checked address (so a second DNS answer cannot swap it).
"""
from __future__ import annotations

import ipaddress
import socket
import threading
from typing import Callable, Iterable

Resolver = Callable[[str, int], Iterable[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddress(Exception):
    """The host resolves to an address that the policy refuses."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


class AddressPolicy:
    """Decides whether an IP address may be contacted.

    ``allow_private``: False (default) allows only public (global unicast)
    addresses; True allows everything; an iterable of networks such as
    ``["10.20.0.0/16"]`` additionally allows those (e.g. an office file server).
    """

    def __init__(self, allow_private: bool | Iterable[str] = False):
        if isinstance(allow_private, bool):
            self.allow_all = allow_private
            self.networks: tuple = ()
        else:
            self.allow_all = False
            self.networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow_private)

    def allowed(self, address: str) -> bool:
        """True if ``address`` (an IP string) may be contacted."""
        if self.allow_all:
            return True
        ip = _ip(address)
        return any(ip in net for net in self.networks) or _is_public(ip)


def is_public_address(address: str) -> bool:
    """True for a global unicast address (what the default policy allows)."""
    return _is_public(_ip(address))


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def _ip(address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip


def _embedded_ipv4(ip: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and that a relay or gateway would reach:
    6to4 (2002:AABB:CCDD::/48), Teredo (2001:0::/32: its server and its obfuscated client)
    and NAT64 (64:ff9b::/96, 64:ff9b:1::/48: the last 32 bits)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    out = []
    if ip.sixtofour is not None:
        out.append(ip.sixtofour)
    if ip.teredo is not None:
        out.extend(ip.teredo)
    if any(ip in net for net in _NAT64):
        out.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return out


def _is_public(ip: IPAddress) -> bool:
    # ``is_global`` alone lets multicast (224.0.0.0/4) through
    if not (ip.is_global and not ip.is_multicast and not ip.is_reserved
            and not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified):
        return False
    # [2002:7f00:1::] is 127.0.0.1 through a 6to4 relay: the embedded address decides.
    return all(_is_public(v4) for v4 in _embedded_ipv4(ip))


class DNSTimeout(TimeoutError):
    """The resolver did not answer in time (no network, or a hung DNS server)."""

    def __init__(self, host: str):
        super().__init__(f"DNS lookup of {host} timed out")
        self.host = host


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses of ``host`` from the operating system, in its preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[str] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in out:
            out.append(sockaddr[0])
    return out


def resolve(host: str, port: int, timeout: float, resolver: Resolver | None = None) -> list[str]:
    """Resolve with a time limit (``getaddrinfo`` has none of its own).

    Raises ``TimeoutError`` when the resolver does not answer in ``timeout``
    seconds and ``socket.gaierror`` when the name does not exist.
    """
    fn = resolver or system_resolver
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = list(fn(host, port))
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    # A daemon thread: a hung OS resolver must not keep lketool from exiting.
    t = threading.Thread(target=run, name="lketool-dns", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise DNSTimeout(host)
    if "error" in box:
        raise box["error"]
    if not box.get("value"):
        raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
    return box["value"]


def checked_addresses(host: str, port: int, policy: AddressPolicy, timeout: float,
                      resolver: Resolver | None = None) -> list[str]:
    """Resolve ``host`` and return its addresses, or raise :class:`BlockedAddress`.

    If *any* address is refused the host is refused: a name that mixes public and
    private answers is exactly what a rebinding trick looks like.
    """
    addresses = resolve(host, port, timeout, resolver)
    for address in addresses:
        if not policy.allowed(address):
            raise BlockedAddress(host, address)
    return addresses
