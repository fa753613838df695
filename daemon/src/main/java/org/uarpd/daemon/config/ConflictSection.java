package org.uarpd.daemon.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.uarpd.engine.ConflictPolicy;
import org.uarpd.engine.Defense;
import org.uarpd.wire.Ip4;

/**
 * {@code [links.NAME.conflict]}: RFC 5227 for the host's own addresses on one link (probe, announce,
 * the defence per address, what a lost address does to the kernel). Absent: conflicts are reported
 * only, as {@code uarpd run} does without its conflict flags. The RFC's timings are not configurable.
 */
public final class ConflictSection {
    static final List<String> DEFENCES = List.of("report", "never", "once", "always");

    private ConflictSection() {}

    static ConflictPolicy read(Fields f) {
        ConflictPolicy c = ConflictPolicy.reportOnly()
                .withProbe(f.bool("probe", false))
                .withAnnounce(f.bool("announce", false))
                .withDefense(defence(f.choice("defend", "a defence", DEFENCES, "report")))
                .withRemoveOnConflict(f.bool("remove-on-conflict", false))
                .withIgnoreMismatchedProbes(f.bool("ignore-mismatched-probes", false));
        Set<Integer> seen = new HashSet<>();
        // [[links.NAME.conflict.address]]: address = "192.0.2.1", defend = "always"
        for (Fields a : f.tables("address")) {
            String text = a.string("address", null);
            String d = a.choice("defend", "a defence", DEFENCES, null);
            a.finish();
            if (text == null || d == null) {
                if (text == null) a.error(null, "names no address; expected address = \"192.0.2.1\" and defend = \"always\"");
                else a.error(null, "says no defence; expected defend = one of " + Fields.quotedList(DEFENCES));
                continue;
            }
            Integer ip = PublishSection.ip(a, "address", text);
            if (ip == null) continue;
            if (!seen.add(ip)) {
                a.error("address", "\"" + Ip4.format(ip) + "\" already has a defence on this link; expected one entry per address");
                continue;
            }
            c = c.withDefense(ip, defence(d));
        }
        f.finish();
        return c;
    }

    /** The config's and the command line's words for {@link Defense}. */
    public static Defense defence(String word) {
        return switch (word.strip().toLowerCase(Locale.ROOT)) {
            case "report" -> Defense.REPORT;
            case "never" -> Defense.NEVER;
            case "once" -> Defense.ONCE_THEN_YIELD;
            case "always" -> Defense.ALWAYS;
            default -> throw new IllegalArgumentException("unknown defence '" + word + "' (expected report, never, once or always)");
        };
    }
}
