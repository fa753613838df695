#!/usr/bin/python3
"""Builds IPv6 neighbour solicitations and advertisements with scapy (an encoder uarpd did not
write) on Ethernet and in Linux cooked captures, writes them with scapy's wrpcap, and writes
manifest.json saying what each frame holds. scapy 2.5 has no nonce layer and a MAC-only link-layer
option layer, so nonces and link-layer addresses of other lengths go in its generic option layer
(ICMPv6NDOptUnknown) with the type, length and padding of RFC 4861 section 4.6 and RFC 3971 5.3.2.

usage: scapy_nd_frames.py OUTPUT_DIR
"""
import json
import os
import random
import sys

from scapy.all import (CookedLinux, Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptUnknown, IPv6, wrpcap)

rnd = random.Random(4861)


def hexcolon(b):
    return ":".join("%02x" % x for x in b)


def address():
    kind = rnd.randrange(3)
    if kind == 0:
        return "2001:db8:%x::%x:%x" % (rnd.getrandbits(16), rnd.getrandbits(16), rnd.getrandbits(16))
    if kind == 1:
        return "fe80::%x:%x:%x:%x" % tuple(rnd.getrandbits(16) for _ in range(4))
    return "2001:db8::%x" % rnd.getrandbits(16)


def mac():
    b = bytearray(rnd.getrandbits(8) for _ in range(6))
    b[0] = (b[0] & 0xFC) | 0x02
    return bytes(b)


def padded(content):
    units = (len(content) + 2 + 7) // 8
    return content + bytes(units * 8 - 2 - len(content)), units


def options():
    """A random list of (scapy layer, manifest entry) for SLL, TLL, nonce and unknown options."""
    out = []
    for _ in range(rnd.randrange(4)):
        kind = rnd.choice(["sll", "tll", "nonce", "unknown"])
        if kind in ("sll", "tll"):
            n = rnd.choice([6, 6, 1, 8, 20, rnd.randrange(1, 33)])
            addr = bytes(rnd.getrandbits(8) for _ in range(n))
            code = 1 if kind == "sll" else 2
            if n == 6:
                layer = (ICMPv6NDOptSrcLLAddr if code == 1 else ICMPv6NDOptDstLLAddr)(lladdr=hexcolon(addr))
            else:
                body, units = padded(addr)
                layer = ICMPv6NDOptUnknown(type=code, len=units, data=body)
            out.append((layer, {"type": code, "body": padded(addr)[0].hex(), "address": hexcolon(addr)}))
        elif kind == "nonce":
            nonce = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([6, 6, 14])))
            out.append((ICMPv6NDOptUnknown(type=14, len=(len(nonce) + 2) // 8, data=nonce), {"type": 14, "body": nonce.hex()}))
        else:
            body = bytes(rnd.getrandbits(8) for _ in range(rnd.choice([6, 14])))
            t = rnd.randrange(200, 251)
            out.append((ICMPv6NDOptUnknown(type=t, len=(len(body) + 2) // 8, data=body), {"type": t, "body": body.hex()}))
    return out


def message(i):
    src, target = address(), address()
    opts = options()
    if i % 2 == 0:
        dad = i % 6 == 0
        if dad:
            src = "::"
            opts = [o for o in opts if o[1]["type"] != 1]
        dst = "ff02::1:ff%02x:%s" % (rnd.getrandbits(8), "%x" % rnd.getrandbits(16)) if rnd.random() < 0.7 else target
        icmp = ICMPv6ND_NS(tgt=target)
        flags = 0
    else:
        r, s, o = rnd.getrandbits(1), rnd.getrandbits(1), rnd.getrandbits(1)
        dst = address() if s else rnd.choice(["ff02::1", address()])
        icmp = ICMPv6ND_NA(tgt=target, R=r, S=s, O=o)
        flags = (r << 31) | (s << 30) | (o << 29)
    pkt = IPv6(src=src, dst=dst, hlim=255) / icmp
    for layer, _ in opts:
        pkt = pkt / layer
    want = {"src": src, "dst": dst, "type": 135 if i % 2 == 0 else 136, "flags": flags, "target": target,
            "options": [m for _, m in opts]}
    return pkt, want


def main(out):
    manifest = []
    frames = {"ethernet": [], "linux-cooked": []}
    for i in range(60):
        pkt, want = message(i)
        link = "ethernet" if i % 3 else "linux-cooked"
        sender = mac()
        if link == "ethernet":
            frame = Ether(src=hexcolon(sender), dst=hexcolon(mac()), type=0x86DD) / pkt
        else:
            frame = CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=sender + bytes(2), proto=0x86DD) / pkt
        built = frame.__class__(bytes(frame))  # as scapy dissects its own bytes: the checksum it computed
        want.update({"file": link + ".pcap", "index": len(frames[link]), "linktype": 1 if link == "ethernet" else 113,
                     "checksum": built[ICMPv6ND_NS if want["type"] == 135 else ICMPv6ND_NA].cksum})
        frames[link].append(frame)
        manifest.append(want)
    for link, fs in frames.items():
        wrpcap(os.path.join(out, link + ".pcap"), fs, linktype=1 if link == "ethernet" else 113)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    main(sys.argv[1])
