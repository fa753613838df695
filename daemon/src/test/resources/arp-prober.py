#!/usr/bin/env python3
"""arp-prober.py IFACE SENDER-IP TARGET-IP...: every 10 ms, one ARP request (RFC 826) from IFACE for
each target; prints "start" as it sends the first request, then "reply TARGET MILLISECONDS" for each reply heard (milliseconds since the first
request, CLOCK_MONOTONIC) and "sent N" at the end. Runs until SIGTERM or its stdin closes.
Plain AF_PACKET sockets: no third-party module, so its own timing stays steady."""
import os, select, signal, socket, struct, sys, time

iface, sender, targets = sys.argv[1], socket.inet_aton(sys.argv[2]), [socket.inet_aton(t) for t in sys.argv[3:]]
ETH_P_ARP = 0x0806
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
s.bind((iface, ETH_P_ARP))
s.setblocking(False)
mac = s.getsockname()[4][:6]
requests = [b"\xff" * 6 + mac + struct.pack("!HHHBBH", ETH_P_ARP, 1, 0x0800, 6, 4, 1) + mac + sender + b"\0" * 6 + t
            for t in targets]
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
            # An ARP reply (opcode 2) from one of the targets: sender protocol address at 28..32.
            if len(f) >= 42 and f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02" and f[28:32] in targets:
                out.write("reply %s %.1f\n" % (socket.inet_ntoa(f[28:32]), (time.monotonic() - start) * 1000))
                out.flush()
out.write("sent %d\n" % sent)
out.flush()
