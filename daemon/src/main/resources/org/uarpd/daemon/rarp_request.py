# Sends one RARP request (RFC 903, op 3) for a hardware address and prints the answer, if any.
# Usage: rarp_request.py IFACE MAC [TIMEOUT_SECONDS]   (run with Debian's /usr/bin/python3 + scapy)
import sys
from scapy.all import ARP, Ether, AsyncSniffer, sendp, conf, bind_layers

# scapy binds ARP to EtherType 0x0806 only; RARP (RFC 903) uses the same packet under 0x8035.
bind_layers(Ether, ARP, type=0x8035)

conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2].lower()
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
sniffer = AsyncSniffer(iface=iface, filter="ether proto 0x8035",
                       lfilter=lambda p: ARP in p and p[ARP].op == 4 and p[ARP].hwdst.lower() == mac,
                       count=1, timeout=timeout)
sniffer.start()
import time
time.sleep(0.3)
request = Ether(dst="ff:ff:ff:ff:ff:ff", src=mac, type=0x8035) / ARP(op=3, hwsrc=mac, psrc="0.0.0.0", hwdst=mac, pdst="0.0.0.0")
sendp(request, iface=iface)
sniffer.join()
answers = sniffer.results or []
if answers:
    reply = answers[0][ARP]
    print("answered %s is %s (from %s %s)" % (mac, reply.pdst, reply.hwsrc, reply.psrc))
else:
    print("unanswered %s" % mac)
