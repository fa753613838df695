#!/usr/bin/python3
"""Writes the sample captures shipped with uarpd (run from anywhere; needs Debian's python3-scapy;
an optional argument names another output directory):

  samples/arp-sample.pcapng   one capture, one interface per link type, a realistic mix: ARP
                              request and reply, RFC 5227 probe and gratuitous announcement, RARP
                              request and reply, an IPv4 frame, a malformed ARP packet, source-routed
                              Token Ring, FDDI, ARCnet, ATMARP (with InATMARP and a NAK) and IPoIB.
  samples/<link>.pcap         the same frames, one classic pcap per link type.
  samples/nd.pcap             IPv6 neighbour discovery on Ethernet (RFC 4861): address resolution
                              (NS and solicited NA), a DAD probe with an Enhanced DAD nonce
                              (RFC 7527) and the defending NA to all nodes, an unsolicited NA, an
                              NS over a 20-byte link-layer address option, an echo request (IPv6 but
                              not ND), an NS with an option of length 0 (malformed) and one arriving
                              with hop limit 64 (well formed but invalid, RFC 4861 section 7.1.1).

Frames are built with scapy; Token Ring, FDDI, ARCnet and ATMARP headers, which scapy has no layer
for, are packed with struct from their specifications. The pcapng container is packed here too
(scapy's writer gives every packet one link type). Addresses come from 192.0.2.0/24 and
198.51.100.0/24 (RFC 5737), 2001:db8::/32 (RFC 3849) with link-local and ff02:: multicast for
neighbour discovery, and locally administered MAC addresses.
"""
import os
import struct
import sys

from scapy.all import (ARP, ICMP, IP, LLC, SNAP, CookedLinux, Dot3, Ether, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptUnknown, IPv6, Raw, wrpcap)

HERE = os.path.dirname(os.path.abspath(__file__))
BCAST = "ff:ff:ff:ff:ff:ff"
ROUTER, HOST, NEWCOMER, DISKLESS, SERVER = ("02:00:5e:10:00:01", "02:00:5e:10:00:0a", "02:00:5e:10:00:14",
                                            "02:00:5e:10:00:33", "02:00:5e:10:00:fe")
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def snap(ethertype):
    return LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0, code=ethertype)


def ethernet_frames():
    return [
        Ether(dst=BCAST, src=HOST) / ARP(op=1, hwsrc=HOST, psrc="192.0.2.10", pdst="192.0.2.1"),
        Ether(dst=HOST, src=ROUTER) / ARP(op=2, hwsrc=ROUTER, psrc="192.0.2.1", hwdst=HOST, pdst="192.0.2.10"),
        # RFC 5227: a probe (sender 0.0.0.0), then the announcement (gratuitous: sender = target).
        Ether(dst=BCAST, src=NEWCOMER) / ARP(op=1, hwsrc=NEWCOMER, psrc="0.0.0.0", pdst="192.0.2.20"),
        Ether(dst=BCAST, src=NEWCOMER) / ARP(op=1, hwsrc=NEWCOMER, psrc="192.0.2.20", pdst="192.0.2.20"),
        # RFC 903: a diskless station asks who it is; the server answers.
        Ether(dst=BCAST, src=DISKLESS, type=0x8035) / ARP(op=3, hwsrc=DISKLESS, psrc="0.0.0.0", hwdst=DISKLESS, pdst="0.0.0.0"),
        Ether(dst=DISKLESS, src=SERVER, type=0x8035) / ARP(op=4, hwsrc=SERVER, psrc="192.0.2.254", hwdst=DISKLESS, pdst="192.0.2.51"),
        # Not ARP: the host pings the router.
        Ether(dst=ROUTER, src=HOST) / IP(src="192.0.2.10", dst="192.0.2.1") / ICMP(),
        # Malformed: ar_hln 255, which no hardware has.
        Ether(dst=BCAST, src=HOST, type=0x0806) / Raw(struct.pack(">HHBBH", 1, 0x0800, 255, 4, 1) + bytes(20)),
        # IEEE 802.3 with LLC/SNAP (RFC 1042) on the same wire, hardware type 6.
        Dot3(dst=BCAST, src=SERVER) / snap(0x0806) / ARP(hwtype=6, hwlen=6, op=1, hwsrc=mac(SERVER), psrc="192.0.2.254",
                                                        hwdst=bytes(6), pdst="192.0.2.10"),
    ]


def token_ring_frames():
    a, b = mac("02:00:5e:20:00:01"), mac("02:00:5e:20:00:02")
    req = ARP(hwtype=6, hwlen=6, op=1, hwsrc=a, psrc="198.51.100.1", hwdst=bytes(6), pdst="198.51.100.2")
    rep = ARP(hwtype=6, hwlen=6, op=2, hwsrc=b, psrc="198.51.100.2", hwdst=a, pdst="198.51.100.1")
    # The reply crossed two bridges: RIF of 6 bytes, direction bit set, route ring 0x001 - bridge 1 - ring 0x002.
    rif = bytes([0x06, 0xB0]) + struct.pack(">HH", (0x001 << 4) | 1, 0x002 << 4)
    return [
        Raw(bytes([0x10, 0x40]) + mac(BCAST) + a + bytes(snap(0x0806) / req)),
        Raw(bytes([0x10, 0x40]) + a + bytes([b[0] | 0x80]) + b[1:] + rif + bytes(snap(0x0806) / rep)),
    ]


def fddi_frames():
    a, b = mac("02:00:5e:30:00:01"), mac("02:00:5e:30:00:02")
    # RFC 1390: hardware type 1 on FDDI.
    req = ARP(op=1, hwsrc="02:00:5e:30:00:01", psrc="198.51.100.33", pdst="198.51.100.34")
    rep = ARP(op=2, hwsrc="02:00:5e:30:00:02", psrc="198.51.100.34", hwdst="02:00:5e:30:00:01", pdst="198.51.100.33")
    return [Raw(bytes([0x50]) + mac(BCAST) + a + bytes(snap(0x0806) / req)),
            Raw(bytes([0x50]) + a + b + bytes(snap(0x0806) / rep))]


def arcnet_frames(linux):
    """RFC 1201: source, destination, [Linux offset], protocol ID 0xD5, split flag, sequence."""
    req = bytes(ARP(hwtype=7, hwlen=1, op=1, hwsrc=b"\x05", psrc="192.0.2.105", hwdst=b"\x00", pdst="192.0.2.106"))
    rep = bytes(ARP(hwtype=7, hwlen=1, op=2, hwsrc=b"\x06", psrc="192.0.2.106", hwdst=b"\x05", pdst="192.0.2.105"))
    frames = []
    for src, dst, arp, seq in ((5, 0, req, 1), (6, 5, rep, 1)):
        offset = struct.pack(">BB", 256 - 4 - len(arp), 0) if linux else b""
        frames.append(Raw(bytes([src, dst]) + offset + struct.pack(">BBH", 0xD5, 0, seq) + arp))
    return frames


def atmarp(op, sha, sha_e164, spa, tha, tpa):
    """RFC 2225 section 8.7 ATMARP with 20-byte NSAP or E.164 numbers, no subaddresses."""
    tl = lambda b, e: (0x40 if e else 0) | len(b)
    ip4 = lambda a: bytes(int(x) for x in a.split(".")) if a else b""
    return (struct.pack(">HHBBHBBBB", 19, 0x0800, tl(sha, sha_e164), 0, op, len(ip4(spa)), tl(tha, False), 0, len(ip4(tpa)))
            + sha + ip4(spa) + tha + ip4(tpa))


def atm_frames():
    client = bytes.fromhex("47000580ffe1000000f21a2b3c02005e40000100")
    server = bytes.fromhex("47000580ffe1000000f21a2b3c02005e4000fe00")
    return [snap(0x0806) / Raw(p) for p in (
        atmarp(1, client, False, "198.51.100.65", b"", "198.51.100.66"),     # to the ATMARP server
        atmarp(2, server, False, "198.51.100.66", client, "198.51.100.65"),  # its answer
        atmarp(1, client, False, "198.51.100.65", b"", "198.51.100.99"),
        atmarp(10, client, False, "198.51.100.65", b"", "198.51.100.99"),    # NAK: no entry for .99
        atmarp(8, client, False, "198.51.100.65", server, ""),               # InATMARP on a PVC
        atmarp(9, server, False, "198.51.100.66", client, "198.51.100.65"),
    )]


def ipoib_frames():
    a = bytes.fromhex("00000048fe800000000000000002c90300000001")
    b = bytes.fromhex("00000049fe800000000000000002c90300000002")
    req = ARP(hwtype=32, hwlen=20, op=1, hwsrc=a, psrc="198.51.100.129", hwdst=bytes(20), pdst="198.51.100.130")
    rep = ARP(hwtype=32, hwlen=20, op=2, hwsrc=b, psrc="198.51.100.130", hwdst=a, pdst="198.51.100.129")
    # Linux cooked capture: ARPHRD_INFINIBAND, address length 0 (IPoIB has no header parser).
    return [CookedLinux(pkttype=1, lladdrtype=32, lladdrlen=0, src=bytes(8), proto=0x0806) / req,
            CookedLinux(pkttype=0, lladdrtype=32, lladdrlen=0, src=bytes(8), proto=0x0806) / rep]


INTERFACES = [  # name, LINKTYPE, frames
    ("ethernet", 1, ethernet_frames()),
    ("token-ring", 6, token_ring_frames()),
    ("fddi", 10, fddi_frames()),
    ("arcnet", 7, arcnet_frames(False)),
    ("arcnet-linux", 129, arcnet_frames(True)),
    ("atm", 11, atm_frames()),
    ("ipoib", 113, ipoib_frames()),
]


def block(kind, body):
    body += bytes(-len(body) % 4)
    return struct.pack("<II", kind, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


def option(code, value):
    return struct.pack("<HH", code, len(value)) + value + bytes(-len(value) % 4)


def write_pcapng(path):
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    for name, linktype, _ in INTERFACES:
        out.append(block(1, struct.pack("<HHI", linktype, 0, 0) + option(2, name.encode()) + option(9, b"\x06") + option(0, b"")))
    # Interleave the interfaces' frames in time, a millisecond apart, as one capture would.
    usec = T0 * 1_000_000
    for iface, (name, _, frames) in enumerate(INTERFACES):
        for frame in frames:
            data = bytes(frame)
            out.append(block(6, struct.pack("<IIIII", iface, usec >> 32, usec & 0xFFFFFFFF, len(data), len(data)) + data))
            usec += 1000
    with open(path, "wb") as f:
        f.write(b"".join(out))


def nd_frames():
    """RFC 4861 neighbour discovery between 2001:db8:1::a and 2001:db8:1::1; scapy 2.5 has no nonce
    option layer, so the RFC 7527 nonce (type 14, one 8-octet unit) goes in its generic option layer."""
    host, router, newcomer = "2001:db8:1::a", "2001:db8:1::1", "2001:db8:1::14"

    def ns(src, dst, target, *opts, hlim=255):
        pkt = IPv6(src=src, dst=dst, hlim=hlim) / ICMPv6ND_NS(tgt=target)
        for o in opts:
            pkt = pkt / o
        return pkt

    nonce = ICMPv6NDOptUnknown(type=14, len=1, data=bytes.fromhex("5a17e0d1c2b3"))
    return [
        Ether(dst="33:33:ff:00:00:01", src=HOST) / ns(host, "ff02::1:ff00:1", router, ICMPv6NDOptSrcLLAddr(lladdr=HOST)),
        Ether(dst=HOST, src=ROUTER) / IPv6(src=router, dst=host, hlim=255)
        / ICMPv6ND_NA(tgt=router, R=1, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=ROUTER),
        Ether(dst="33:33:ff:00:00:14", src=NEWCOMER) / ns("::", "ff02::1:ff00:14", newcomer, nonce),
        Ether(dst="33:33:00:00:00:01", src=SERVER) / IPv6(src=newcomer, dst="ff02::1", hlim=255)
        / ICMPv6ND_NA(tgt=newcomer, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=SERVER),
        Ether(dst="33:33:00:00:00:01", src=ROUTER) / IPv6(src="fe80::200:5eff:fe10:1", dst="ff02::1", hlim=255)
        / ICMPv6ND_NA(tgt="fe80::200:5eff:fe10:1", R=1, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=ROUTER),
        # An option longer than a MAC: a 20-byte link-layer address (IPoIB's length) in three units.
        Ether(dst="33:33:ff:00:00:01", src=DISKLESS) / ns("2001:db8:1::33", "ff02::1:ff00:1", router,
                                                          ICMPv6NDOptUnknown(type=1, len=3, data=bytes(range(1, 21)) + bytes(2))),
        # Not ND: the host pings the router.
        Ether(dst=ROUTER, src=HOST) / IPv6(src=host, dst=router) / ICMPv6EchoRequest(id=1, seq=1),
        # Malformed: a source link-layer option of length 0, which RFC 4861 section 4.6 says to discard.
        Ether(dst="33:33:ff:00:00:01", src=HOST) / IPv6(src=host, dst="ff02::1:ff00:1", hlim=255, plen=32, nh=58)
        / Raw(bytes(IPv6(src=host, dst="ff02::1:ff00:1") / ICMPv6ND_NS(tgt=router))[40:64] + bytes([1, 0]) + mac(HOST)),
        # Well formed but invalid: hop limit 64, so it may come from off-link (RFC 4861 section 7.1.1).
        Ether(dst="33:33:ff:00:00:01", src=HOST) / ns(host, "ff02::1:ff00:1", router, ICMPv6NDOptSrcLLAddr(lladdr=HOST), hlim=64),
    ]


def main(out_dir):
    write_pcapng(os.path.join(out_dir, "arp-sample.pcapng"))
    for name, linktype, frames in INTERFACES:
        for i, frame in enumerate(frames):
            frame.time = T0 + i / 1000
        wrpcap(os.path.join(out_dir, name + ".pcap"), frames, linktype=linktype)
    nd = nd_frames()
    for i, frame in enumerate(nd):
        frame.time = T0 + i / 1000
    wrpcap(os.path.join(out_dir, "nd.pcap"), nd, linktype=1)


if __name__ == "__main__":
    # Default: next to this script. Tests pass another directory to check the shipped files are current.
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
