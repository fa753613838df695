#!/usr/bin/env python3
"""nd-prober.py IFACE SOURCE-IPV6 TARGET-IPV6...: every 10 ms, one neighbour solicitation (RFC 4861
section 4.3, to the target's solicited-node group, with a source link-layer address option) from IFACE
for each target; prints "start" as it sends the first, then "reply TARGET MILLISECONDS" for each
advertisement of a target heard (milliseconds since the first solicitation, CLOCK_MONOTONIC) and
"sent N" at the end. Runs until SIGTERM or its stdin closes. The same protocol of lines as
arp-prober.py, for IPv6; plain AF_PACKET sockets, no third-party module."""
import os, select, signal, socket, struct, sys, time

ETH_P_IPV6 = 0x86DD
iface = sys.argv[1]
source = socket.inet_pton(socket.AF_INET6, sys.argv[2])
names = {socket.inet_pton(socket.AF_INET6, t): t for t in sys.argv[3:]}
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
s.bind((iface, ETH_P_IPV6))
s.setblocking(False)
mac = s.getsockname()[4][:6]

def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF

def solicitation(target):
    # RFC 4291 section 2.7.1: ff02::1:ffXX:XXXX, the low 24 bits of the target; its MAC 33:33 + the low 32 bits.
    group = bytes.fromhex("ff0200000000000000000001ff") + target[13:]
    body = struct.pack("!BBHI", 135, 0, 0, 0) + target + struct.pack("!BB", 1, 1) + mac
    pseudo = source + group + struct.pack("!I", len(body)) + b"\0\0\0" + bytes([58])
    body = body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]
    ip = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + source + group
    return b"\x33\x33" + group[12:] + mac + struct.pack("!H", ETH_P_IPV6) + ip + body

requests = [solicitation(t) for t in names]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
start = time.monotonic()
due = start
sys.stdout.write("start\n")
sys.stdout.flush()
sent = 0
out = sys.stdout
while not stop:
    now = time.monotonic()
    if now >= due:
        for r in requests:
            s.send(r)
        sent += 1
        due += 0.010
    ready, _, _ = select.select([s, sys.stdin], [], [], max(0.0, due - time.monotonic()))
    if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
        break
    if s in ready:
        while True:
            try:
                f = s.recv(2048)
            except BlockingIOError:
                break
            # An advertisement (ICMPv6 136, next header 58 with no extension header) for one of the targets: target at 62..78.
            if len(f) >= 78 and f[12:14] == b"\x86\xdd" and f[20] == 58 and f[54] == 136 and f[62:78] in names:
                out.write("reply %s %.1f\n" % (names[f[62:78]], (time.monotonic() - start) * 1000))
                out.flush()
out.write("sent %d\n" % sent)
out.flush()
