"""Issue 15 item 8: IPv6 forms that carry a private IPv4 address (6to4, Teredo, NAT64)
are refused like the address they carry; the same forms around a public address pass."""
from __future__ import annotations

import ipaddress

import pytest

from lketool.links.checker import BLOCKED, check_link
from lketool.links.guard import AddressPolicy, is_public_address


def teredo(server: str, client: str) -> str:
    """The Teredo address for ``client`` behind ``server`` (client bits inverted)."""
    s = int(ipaddress.IPv4Address(server))
    c = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    return str(ipaddress.IPv6Address((0x20010000 << 96) | (s << 64) | (0 << 32) | c))


PRIVATE_FORMS = [
    "2002:7f00:1::",            # 6to4 of 127.0.0.1 (the form the attack run tried)
    "2002:7f00:1::1",
    "2002:a00:1::",              # 10.0.0.1
    "2002:c0a8:101::",           # 192.168.1.1
    "2002:a9fe:a9fe::",          # 169.254.169.254 (cloud metadata)
    "2002:0:0::",                # 0.0.0.0
    teredo("8.8.8.8", "127.0.0.1"),
    teredo("8.8.8.8", "192.168.1.1"),
    teredo("127.0.0.1", "8.8.8.8"),
    "64:ff9b::7f00:1",           # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",
]


@pytest.mark.parametrize("address", PRIVATE_FORMS)
def test_embedded_private_ipv4_is_refused(address):
    assert not is_public_address(address)
    assert not AddressPolicy().allowed(address)


def test_6to4_of_a_public_address_is_allowed():
    assert is_public_address("2002:5db8:d822::1")  # 93.184.216.34


@pytest.mark.parametrize("url", ["http://[2002:7f00:1::]:1/", "http://[64:ff9b::7f00:1]:1/"])
def test_checker_blocks_without_connecting(url):
    r = check_link(url, timeout=1, retries=0)
    assert r.status == BLOCKED, r


def test_explicitly_allowed_network_still_wins():
    assert AddressPolicy(["2002::/16"]).allowed("2002:7f00:1::")
