#!/usr/bin/env python3
"""arp-prober.py IFACE SENDER-IP TARGET-IP...: every 10 ms, one ARP request (RFC 826) from IFACE for
each target, or with IPv6 addresses one neighbour solicitation (RFC 4861 section 4.3: to the target's
solicited-node group, with a source link-layer address option); prints "start" as it sends the first
request, then "reply TARGET MILLISECONDS" for each reply (ARP) or advertisement (ND) of a target heard
(milliseconds since the first request, CLOCK_MONOTONIC) and "sent N" at the end. Runs until SIGTERM or
its stdin closes. Plain AF_PACKET sockets: no third-party module, so its own timing stays steady."""
import os, select, signal, socket, struct, sys, time

iface = sys.argv[1]
six = ":" in sys.argv[2]
family = socket.AF_INET6 if six else socket.AF_INET
sender = socket.inet_pton(family, sys.argv[2])
names = {socket.inet_pton(family, t): t for t in sys.argv[3:]}
ETH_P = 0x86DD if six else 0x0806
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P))
s.bind((iface, ETH_P))
s.setblocking(False)
mac = s.getsockname()[4][:6]

def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF

def solicitation(target):
    # RFC 4291 section 2.7.1: ff02::1:ffXX:XXXX, the low 24 bits of the target; its MAC 33:33 + the low 32 bits.
    group = bytes.fromhex("ff0200000000000000000001ff") + target[13:]
    body = struct.pack("!BBHI", 135, 0, 0, 0) + target + struct.pack("!BB", 1, 1) + mac
    pseudo = sender + group + struct.pack("!I", len(body)) + b"\0\0\0" + bytes([58])
    body = body[:2] + struct.pack("!H", checksum(pseudo + body)) + body[4:]
    ip = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + sender + group
    return b"\x33\x33" + group[12:] + mac + struct.pack("!H", ETH_P) + ip + body

def request(target):
    return b"\xff" * 6 + mac + struct.pack("!HHHBBH", ETH_P, 1, 0x0800, 6, 4, 1) + mac + sender + b"\0" * 6 + target

def answered(f):
    """The target a frame answers for, or None."""
    if six:
        # An advertisement (ICMPv6 136, next header 58 with no extension header): target at 62..78.
        ok = len(f) >= 78 and f[12:14] == b"\x86\xdd" and f[20] == 58 and f[54] == 136
        return names.get(f[62:78]) if ok else None
    # An ARP reply (opcode 2): sender protocol address at 28..32.
    ok = len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02"
    return names.get(f[28:32]) if ok else None

requests = [solicitation(t) if six else request(t) for t in names]
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
            target = answered(f)
            if target is not None:
                out.write("reply %s %.1f\n" % (target, (time.monotonic() - start) * 1000))
                out.flush()
out.write("sent %d\n" % sent)
out.flush()
