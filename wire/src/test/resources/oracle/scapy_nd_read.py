#!/usr/bin/python3
"""Reads a pcap of neighbour solicitations and advertisements written by uarpd and prints, as one
JSON list, what scapy dissects in each: addresses, hop limit, type, code, flags, target, the options
(type and body bytes, however scapy classed them) and whether the checksum scapy finds in the frame
is the one scapy computes itself for the same bytes.

usage: scapy_nd_read.py CAPTURE
"""
import json
import sys

from scapy.all import ICMPv6ND_NA, ICMPv6ND_NS, IPv6, rdpcap, raw


def main(path):
    out = []
    for frame in rdpcap(path):
        ip = frame[IPv6]
        msg = ip[ICMPv6ND_NS] if ICMPv6ND_NS in ip else ip[ICMPv6ND_NA]
        again = IPv6(raw(ip))
        mine = again[msg.__class__]
        mine.cksum = None
        recomputed = again.__class__(raw(again))[msg.__class__].cksum
        body = raw(msg)
        opts, p = [], 24
        while p < len(body):
            t, n = body[p], body[p + 1]
            opts.append({"type": t, "body": body[p + 2:p + n * 8].hex()})
            p += n * 8
        flags = 0
        if isinstance(msg, ICMPv6ND_NA):
            flags = (msg.R << 31) | (msg.S << 30) | (msg.O << 29)
        out.append({"src": ip.src, "dst": ip.dst, "hlim": ip.hlim, "type": msg.type, "code": msg.code, "flags": flags,
                    "target": msg.tgt, "cksum": msg.cksum, "recomputed": recomputed, "options": opts,
                    "layers": [l.__name__ for l in frame.layers()]})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
