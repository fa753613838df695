package org.uarpd.daemon;

import java.util.List;
import org.uarpd.linux.NamespaceLab;

/**
 * The three-namespace proxy-ARP bridge, for the end-to-end tests and the benchmark: host L
 * ({@code l0}: 192.0.2.11 and .21) — middle M ({@code m1} 192.0.2.1, {@code m2} 192.0.2.2, IPv4
 * forwarding on, in M only) — host R ({@code r0}: 192.0.2.12 and .22), all in one /24 split across
 * the two links. M is where the bridging daemon runs (uarpd or parprouted).
 */
public record BridgeTopology(NamespaceLab lab, String left, String middle, String right) {
    public static final List<String> LEFT_ADDRESSES = List.of("192.0.2.11", "192.0.2.21");
    public static final List<String> RIGHT_ADDRESSES = List.of("192.0.2.12", "192.0.2.22");

    public static BridgeTopology build(NamespaceLab lab) {
        return build(lab, "");
    }

    /** The topology in namespaces {@code l<tag>}, {@code m<tag>}, {@code r<tag>} (several can coexist in one lab). */
    public static BridgeTopology build(NamespaceLab lab, String tag) {
        String l = lab.namespace("l" + tag);
        String m = lab.namespace("m" + tag);
        String r = lab.namespace("r" + tag);
        lab.veth(l, "l0", "192.0.2.11/24", m, "m1", "192.0.2.1/24");
        lab.veth(m, "m2", "192.0.2.2/24", r, "r0", "192.0.2.12/24");
        lab.ok(l, "ip", "addr", "add", "192.0.2.21/24", "dev", "l0");
        lab.ok(r, "ip", "addr", "add", "192.0.2.22/24", "dev", "r0");
        // Forwarding in the middle only; no reverse-path filter (both links share one prefix).
        for (String knob : List.of("net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.conf.m1.rp_filter=0", "net.ipv4.conf.m2.rp_filter=0", "net.ipv4.conf.all.send_redirects=0",
                "net.ipv4.conf.m1.send_redirects=0", "net.ipv4.conf.m2.send_redirects=0")) {
            lab.ok(m, "sysctl", "-q", "-w", knob);
        }
        return new BridgeTopology(lab, l, m, r);
    }

    /** Empties every kernel neighbour table of the three namespaces. */
    public void flushNeighbours() {
        for (String ns : List.of(left, middle, right)) lab.run(ns, "ip", "neigh", "flush", "all");
    }

    /** One ping from {@code from} (source {@code source}) to {@code to}: the RTT in ms, or -1 when unanswered. */
    public double ping(String fromNs, String source, String to, int waitSeconds) {
        NamespaceLab.Result r = lab.run(fromNs, "ping", "-n", "-c", "1", "-W", Integer.toString(waitSeconds), "-I", source, to);
        if (!r.ok()) return -1;
        for (String line : r.out().split("\n")) {
            int i = line.indexOf("time=");
            if (i >= 0) {
                String t = line.substring(i + 5).split(" ")[0];
                return Double.parseDouble(t);
            }
        }
        return -1;
    }
}
