#!/usr/bin/python3
"""Builds ARP-family frames for every uarpd link type with scapy (an encoder uarpd did not write)
and writes one pcap per link type with scapy's wrpcap, plus manifest.json saying what each frame
holds. Link layers scapy has no class for (Token Ring, FDDI, ARCnet) get their few header bytes
from struct, following the formats (IEEE 802.5, RFC 1390, RFC 1201), not uarpd's code.

usage: scapy_frames.py OUTPUT_DIR
"""
import json
import os
import random
import struct
import sys

from scapy.all import ARP, Dot3, Ether, LLC, SNAP, CookedLinux, Raw, wrpcap

OPS = [1, 2, 3, 4, 8, 9, 10]
ARP_TYPE, RARP_TYPE = 0x0806, 0x8035
rnd = random.Random(2225)


def hexcolon(b):
    return ":".join("%02x" % x for x in b)


def ip(i):
    return "192.0.2.%d" % i if i % 2 else "198.51.100.%d" % i


def addr(length):
    b = bytearray(rnd.getrandbits(8) for _ in range(length))
    if length == 6:
        b[0] = (b[0] & 0x7C) | 0x02     # unicast, locally administered, no routing bit
    return bytes(b)


def arp_layer(htype, hlen, op, sha, spa, tha, tpa):
    if htype == 1 and hlen == 6:
        return ARP(hwtype=1, op=op, hwsrc=hexcolon(sha), psrc=spa, hwdst=hexcolon(tha), pdst=tpa)
    return ARP(hwtype=htype, hwlen=hlen, plen=4, op=op, hwsrc=sha, psrc=spa, hwdst=tha, pdst=tpa)


def snap(ethertype):
    return LLC(dsap=0xAA, ssap=0xAA, ctrl=3) / SNAP(OUI=0, code=ethertype)


def build(link, op, sha, tha, dst, arp, ethertype):
    """Frame bytes for `link` carrying `arp` (scapy packet) as `ethertype` from sha to dst."""
    if link == "ethernet":
        return Ether(dst=hexcolon(dst), src=hexcolon(sha), type=ethertype) / arp
    if link == "ieee802.3":
        return Dot3(dst=hexcolon(dst), src=hexcolon(sha)) / snap(ethertype) / arp
    if link == "token-ring":
        return Raw(bytes([0x10, 0x40]) + dst + sha + bytes(snap(ethertype) / arp))
    if link == "token-ring-routed":
        # RIF: all-routes explorer (broadcast bits 100), 6 bytes, direction 0, largest frame 011,
        # designators ring 0x00a bridge 1, ring 0x00b bridge 0.
        rif = bytes([0x80 | 6, 0x30]) + struct.pack(">HH", (0x00A << 4) | 1, (0x00B << 4) | 0)
        return Raw(bytes([0x10, 0x40]) + dst + bytes([sha[0] | 0x80]) + sha[1:] + rif + bytes(snap(ethertype) / arp))
    if link == "fddi":
        return Raw(bytes([0x50]) + dst + sha + bytes(snap(ethertype) / arp))
    pid = {ARP_TYPE: 0xD5, RARP_TYPE: 0xD6}[ethertype]
    if link == "arcnet":
        return Raw(struct.pack(">BBBBH", sha[0], dst[0], pid, 0, op * 7) + bytes(arp))
    if link == "arcnet-exception":
        # RFC 1201 exception packet: flag 0xFF, padding 0xFFFF, protocol ID again, real flag, sequence.
        return Raw(struct.pack(">BBBBHBBH", sha[0], dst[0], pid, 0xFF, 0xFFFF, pid, 0, 4242) + bytes(arp))
    if link == "arcnet-linux":
        soft = 4 + len(bytes(arp))
        return Raw(struct.pack(">BBBBBBH", sha[0], dst[0], 256 - soft, 0, pid, 0, op) + bytes(arp))
    if link == "linux-cooked":
        # tcpdump -i any on an Ethernet device: ARPHRD_ETHER, the sender's 6-byte address.
        pkttype = 1 if dst == b"\xff" * 6 else 0
        return CookedLinux(pkttype=pkttype, lladdrtype=1, lladdrlen=6, src=sha + b"\0\0", proto=ethertype) / arp
    if link == "ipoib":
        pkttype = 1 if dst == IB_BROADCAST else 0
        return CookedLinux(pkttype=pkttype, lladdrtype=32, lladdrlen=0, src=b"\0" * 8, proto=ethertype) / arp
    raise ValueError(link)


IB_BROADCAST = bytes.fromhex("00ffffffff12401bffff000000000000ffffffff")
LINKS = [
    # name in the manifest, pcap file, LINKTYPE, ARP hardware type, address length, broadcast
    ("ethernet", "ethernet", 1, 1, 6, b"\xff" * 6),
    ("ieee802.3", "ieee802.3", 1, 6, 6, b"\xff" * 6),
    ("token-ring", "token-ring", 6, 6, 6, b"\xff" * 6),
    ("token-ring-routed", "token-ring", 6, 6, 6, b"\xff" * 6),
    ("fddi", "fddi", 10, 1, 6, b"\xff" * 6),
    ("arcnet", "arcnet", 7, 7, 1, b"\x00"),
    ("arcnet-exception", "arcnet", 7, 7, 1, b"\x00"),
    ("arcnet-linux", "arcnet-linux", 129, 7, 1, b"\x00"),
    ("ipoib", "ipoib", 113, 32, 20, IB_BROADCAST),
    ("linux-cooked", "linux-cooked", 113, 1, 6, b"\xff" * 6),
]


def atmarp(op, sha, sha_e164, ssa, spa, tha, tha_e164, tsa, tpa):
    """RFC 2225 section 8.7 ATMARP packet, packed by hand: scapy has no ATMARP layer."""
    tl = lambda b, e164: (0x40 if e164 else 0) | len(b)
    ip4 = lambda a: bytes(int(x) for x in a.split(".")) if a else b""
    return (struct.pack(">HHBBHBBBB", 19, 0x0800, tl(sha, sha_e164), len(ssa), op, len(ip4(spa)),
                        tl(tha, tha_e164), len(tsa), len(ip4(tpa)))
            + sha + ssa + ip4(spa) + tha + tsa + ip4(tpa))


def atm_frames(manifest):
    """ATMARP kinds on LLC/SNAP over ATM (RFC 2684), pcap link type 11."""
    client = bytes.fromhex("47000580ffe1000000f21a2b3c02005e10000100")
    server = bytes.fromhex("47000580ffe1000000f21a2b3c02005e1000fe00")
    e164, sub = b"15085551234", bytes.fromhex("39840f8001bc7200010000000002005e10000200")
    kinds = [  # op, sha, sha is E.164, ssa, spa, tha, tha is E.164, tsa, tpa
        (1, client, False, b"", "192.0.2.1", b"", False, b"", "192.0.2.2"),
        (2, e164, True, sub, "192.0.2.2", client, False, b"", "192.0.2.1"),
        (8, client, False, b"", "192.0.2.1", e164, True, sub, ""),
        (9, e164, True, sub, "198.51.100.7", client, False, b"", "192.0.2.1"),
        (10, client, False, b"", "192.0.2.1", b"", False, b"", "192.0.2.99"),
        (2, server, False, b"", "192.0.2.254", client, False, b"", "192.0.2.1"),
    ]
    frames = []
    for op, sha, se, ssa, spa, tha, te, tsa, tpa in kinds:
        frames.append(snap(ARP_TYPE) / Raw(atmarp(op, sha, se, ssa, spa, tha, te, tsa, tpa)))
        manifest.append({"file": "atm.pcap", "index": len(frames) - 1, "builder": "atm", "linktype": 11,
                         "protocol": ARP_TYPE, "op": op, "htype": 19, "ptype": 0x0800,
                         "sha": hexcolon(sha), "spa": spa, "tha": hexcolon(tha), "tpa": tpa, "src": "", "dst": ""})
    return frames


def main(out_dir):
    manifest = []
    per_file = {"atm": (11, atm_frames(manifest))}
    for name, file_name, dlt, htype, hlen, bcast in LINKS:
        for op in OPS:
            sha, tha = addr(hlen), addr(hlen)
            if hlen == 1:
                sha, tha = bytes([rnd.randint(1, 255)]), bytes([rnd.randint(1, 255)])
            spa, tpa = ip(rnd.randint(1, 254)), ip(rnd.randint(1, 254))
            ethertype = RARP_TYPE if op in (3, 4) else ARP_TYPE
            dst = bcast if op in (1, 3) else tha
            arp = arp_layer(htype, hlen, op, sha, spa, tha, tpa)
            frame = build(name, op, sha, tha, dst, arp, ethertype)
            per_file.setdefault(file_name, (dlt, []))[1].append(frame)
            manifest.append({
                "file": file_name + ".pcap", "index": len(per_file[file_name][1]) - 1, "builder": name,
                "linktype": dlt, "protocol": ethertype, "op": op, "htype": htype, "ptype": 0x0800,
                "sha": hexcolon(sha), "spa": spa, "tha": hexcolon(tha), "tpa": tpa,
                "src": "" if name == "ipoib" else hexcolon(sha),
                "dst": (hexcolon(dst) if dst == bcast else "") if dlt == 113 else hexcolon(dst),
            })
    for file_name, (dlt, frames) in per_file.items():
        wrpcap(os.path.join(out_dir, file_name + ".pcap"), frames, linktype=dlt)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1])
