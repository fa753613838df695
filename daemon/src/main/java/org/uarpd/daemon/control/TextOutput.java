package org.uarpd.daemon.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.uarpd.daemon.control.protocol.Response;

/** How {@code uarpctl} prints answers without {@code -j}: one line per row, like {@code ip neigh} and {@code ip monitor}. */
final class TextOutput {
    private TextOutput() {}

    /** "192.0.2.2 dev u0 lladdr 02:… REACHABLE"; a static entry is PERMANENT, as ip neigh says. */
    static String neighbour(Response.Neighbour n) {
        StringBuilder b = new StringBuilder(n.dst()).append(" dev ").append(n.dev());
        if (n.lladdr() != null) b.append(" lladdr ").append(n.lladdr());
        return b.append(' ').append(n.state().equals("STATIC") ? "PERMANENT" : n.state()).toString();
    }

    static String published(Response.PublishedRow p) {
        StringBuilder b = new StringBuilder(p.target());
        for (String x : p.exclude()) b.append(" !").append(x);
        b.append(" dev ").append(p.dev());
        b.append(" lladdr ").append(p.lladdr() != null ? p.lladdr() : "own");
        if (p.broadcastOnly()) b.append(" broadcast-only");
        if (!p.replyDelay().equals("0s")) b.append(" delay ").append(p.replyDelay());
        if (p.answerProbes()) b.append(" answer-probes");
        if (p.when() != null) b.append(" when ").append(p.when());
        return b.append(" (").append(p.source()).append(')').toString();
    }

    static String link(Response.LinkRow l) {
        StringBuilder b = new StringBuilder(l.name()).append(" index ").append(l.index());
        if (l.lladdr() != null) b.append(" lladdr ").append(l.lladdr());
        b.append(" mode ").append(l.mode()).append(" rarp ").append(l.rarp() ? "on" : "off");
        if (!l.addresses().isEmpty()) b.append(" addresses ").append(String.join(",", l.addresses()));
        // "yielded 192.0.2.1 to 02:…": not answered for until uarpctl reclaim; "probing 192.0.2.1": not yet.
        for (Response.ClaimRow c : l.claims()) {
            b.append(' ').append(c.state()).append(' ').append(c.address());
            if (c.state().equals("yielded") && c.claimant() != null) b.append(" to ").append(c.claimant());
        }
        return b.toString();
    }

    /** "192.0.2.2 dev u0 lladdr 02:… resolved in 0.210 ms (reply)". */
    static String probe(Response.ProbeResult r) {
        StringBuilder b = new StringBuilder(r.dst()).append(" dev ").append(r.dev());
        if (r.lladdr() != null) b.append(" lladdr ").append(r.lladdr());
        b.append(' ').append(r.outcome());
        b.append(String.format(Locale.ROOT, " in %.3f ms", r.ms()));
        return b.append(" (").append(r.reason().replace('_', ' ')).append(')').toString();
    }

    /** "NAME VALUE" per counter; events as "events.REASON N". */
    static List<String> stats(Response.Stats s) {
        List<String> out = new ArrayList<>(List.of("uptimeSeconds " + s.uptimeSeconds(), "entries " + s.entries(),
                "pendingResolutions " + s.pendingResolutions(), "kernelErrors " + s.kernelErrors(), "framesUnsent " + s.framesUnsent(),
                "resyncs " + s.resyncs(), "policyFailures " + s.policyFailures(), "liveStreams " + s.liveStreams()));
        s.events().forEach((reason, n) -> out.add("events." + reason + " " + n));
        return out;
    }

    /** Header lines, then one line per group: "vip-a owner web-1 revision 42 (this host)". */
    static List<String> fleet(Response.Fleet f) {
        List<String> out = new ArrayList<>();
        out.add("fleet " + f.fleet() + " host " + f.host() + (f.connected() ? " connected" : " DISCONNECTED")
                + " last contact " + (f.lastContact() == null ? "never" : f.lastContact()));
        out.add("lease " + Long.toHexString(f.leaseId()) + " ttl " + f.leaseTtlSeconds() + "s margin " + f.leaseMargin());
        out.add("members " + String.join(",", f.members()));
        out.add("directory " + f.directorySize() + " entries");
        out.add("gains " + f.gains() + " takeovers " + f.takeovers() + " losses " + f.losses() + " store errors " + f.storeErrors()
                + " malformed " + f.malformed() + " relists " + f.relists());
        for (Response.FleetOwner o : f.owners()) {
            out.add(o.group() + " owner " + (o.host() == null ? "none" : o.host())
                    + (o.revision() != null ? " revision " + o.revision() + " (this host)" : ""));
        }
        return out;
    }

    /** "resolved 192.0.2.2 dev u0 lladdr 02:… REACHABLE (reply, 0.210 ms)". */
    static String event(Response.Event e) {
        StringBuilder b = new StringBuilder(e.kind());
        if (e.dst() != null) b.append(' ').append(e.dst());
        if (e.dev() != null) b.append(" dev ").append(e.dev());
        if (e.lladdr() != null) b.append(" lladdr ").append(e.lladdr());
        if (e.state() != null) b.append(' ').append(e.state());
        b.append(" (").append(e.reason().replace('_', ' '));
        if (e.ms() != null) b.append(String.format(Locale.ROOT, ", %.3f ms", e.ms()));
        if (e.detail() != null) b.append(": ").append(e.detail());
        return b.append(')').toString();
    }
}
