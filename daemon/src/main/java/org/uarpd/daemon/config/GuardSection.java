package org.uarpd.daemon.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.uarpd.engine.GuardPolicy;
import org.uarpd.engine.RateLimit;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * {@code [links.NAME.guard]}: what uarpd believes from the wire on one link. The table's presence turns
 * the guard on with every rule (like {@code uarpd run --guard}); its keys turn single rules off or tune
 * them. Absent: no guard, the kernel's own credulity. Pinned bindings are
 * {@code [[links.NAME.guard.pin]]} tables (address, hardware).
 */
public final class GuardSection {
    private GuardSection() {}

    static GuardPolicy read(Fields f) {
        GuardPolicy s = GuardPolicy.strict();
        boolean sender = f.bool("sender-consistency", s.senderConsistency());
        boolean unsolicited = f.bool("allow-unsolicited", s.allowUnsolicited());
        boolean verify = f.bool("verify-changes", s.verifyChanges());
        long verifyTimeout = f.duration("verify-timeout", s.verifyTimeoutNanos(), false);
        long quarantine = f.duration("quarantine", s.quarantineNanos(), true);
        boolean stations = f.bool("station-events", s.stationEvents());
        int maxStations = (int) f.integer("max-stations", s.maxStations(), 1, 1 << 24);
        boolean lock = f.bool("lock-learnt", false);
        RateLimit perSource = s.perSource();
        Fields t = f.table("per-source");
        if (t != null) {
            int burst = (int) t.integer("burst", perSource.burst(), 1, 1_000_000);
            double perSecond = t.number("per-second", perSource.perSecond(), 0);
            t.finish();
            perSource = new RateLimit(burst, perSecond);
        }
        if (!f.bool("rate-limit", true)) perSource = null;
        long slots = f.integer("source-slots", s.sourceSlots(), 1, 1 << 20);
        if (Long.bitCount(slots) != 1) {
            f.error("source-slots", slots + " is not a power of two; expected one like 1024");
            slots = s.sourceSlots();
        }
        Map<Integer, HardwareAddress> pinned = new LinkedHashMap<>();
        for (Fields p : f.tables("pin")) {
            String text = p.string("address", null);
            HardwareAddress hw = PublishSection.hardware(p, "hardware");
            boolean hasHw = p.has("hardware");
            p.finish();
            if (text == null || !hasHw) {
                p.error(null, "needs both address and hardware; expected address = \"192.0.2.254\" and hardware = \"02:00:5e:00:53:fe\"");
                continue;
            }
            Integer ip = PublishSection.ip(p, "address", text);
            if (ip == null || hw == null) continue;
            if (pinned.containsKey(ip)) {
                p.error("address", "\"" + Ip4.format(ip) + "\" is already pinned on this link; expected one binding per address");
                continue;
            }
            pinned.put(ip, hw);
        }
        f.finish();
        return new GuardPolicy(pinned, lock, sender, unsolicited, verify, verifyTimeout, quarantine, stations, maxStations,
                perSource, (int) slots);
    }
}
