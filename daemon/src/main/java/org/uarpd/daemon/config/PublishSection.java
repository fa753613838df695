package org.uarpd.daemon.config;

import java.util.List;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.daemon.syntax.SyntaxException;

/**
 * One {@code [[links.NAME.publish]]} entry: exactly one of {@code address}, {@code range} (with
 * {@code exclude}) or {@code proxy = true}, and the per-entry options. An IPv6 address or prefix is
 * an entry of neighbour discovery's (RFC 4861 §7.2.8), read by the same {@link PublishedTargets} as
 * the command line and the control socket; it takes {@code exclude}, {@code hardware}, and the
 * condition it is answered under: {@code when} ({@code always}, {@code target-answers} with
 * {@code via} the link to ask the target on, or {@code route}; docs/proxy-nd.md).
 */
public final class PublishSection {
    private PublishSection() {}

    /**
     * Reads {@code f}, an entry of link {@code own}, into {@code arp} or, for an IPv6 target,
     * {@code nd}; a mistake is reported on {@code f} and adds nothing.
     */
    static void read(Fields f, String own, List<PublishedEntry> arp, List<NdPublished> nd, java.util.Set<String> links) {
        String address = f.string("address", null);
        String range = f.string("range", null);
        boolean proxy = f.bool("proxy", false);
        List<String> exclude = f.strings("exclude");
        HardwareAddress hw = hardware(f, "hardware");
        boolean broadcastOnly = f.bool("broadcast-only", false);
        long delay = f.duration("reply-delay", 0, true);
        boolean answerProbes = f.bool("answer-probes", false);
        String when = f.choice("when", "a condition", PublishedTargets.WHEN, null);
        String via = f.string("via", null);
        f.finish();
        int kinds = (address != null ? 1 : 0) + (range != null ? 1 : 0) + (proxy ? 1 : 0);
        if (kinds != 1) {
            f.error(null, (kinds == 0 ? "says nothing to publish" : "has more than one of address, range and proxy")
                    + "; expected exactly one of address = \"198.51.100.7\", range = \"198.51.100.0/24\" or proxy = true");
            return;
        }
        // The key says which the writer meant: "address" is one address, which takes no exclusions.
        if (address != null && !exclude.isEmpty()) {
            f.error("exclude", "exclusions need a range; expected range = \"CIDR\" instead of address");
            return;
        }
        String key = address != null ? "address" : range != null ? "range" : "proxy";
        String text = address != null ? address : range != null ? range : PublishedTargets.PROXY;
        if (!proxy && Addresses.isIpv6(text)) {
            String arpOnly = broadcastOnly ? "broadcast-only" : delay != 0 ? "reply-delay" : answerProbes ? "answer-probes" : null;
            if (arpOnly != null) {
                f.error(arpOnly, "applies to IPv4 (ARP) entries only; an IPv6 entry takes address or range, exclude and hardware");
                return;
            }
            NdPublished target6 = parsed(f, key, () -> PublishedTargets.parse6(text, exclude));
            if (target6 == null) return;
            NdPublished e = parsed(f, key, () -> PublishedTargets.answered(target6, when, via));
            if (e == null) return;
            if (own.equals(via)) {
                f.error("via", "\"" + via + "\" is the link this entry answers on; expected another [links.IF], where the target itself is asked");
                return;
            }
            if (via != null && !links.contains(via)) {
                f.error("via", "\"" + via + "\" is not a link of this file; expected the name of a [links.IF] table, the interface to ask the target on");
                return;
            }
            if (address != null && e.range().prefixLength() != 128) {
                f.error(key, "\"" + address + "\" is a prefix; expected range = \"" + address + "\" or one address like \"2001:db8::7\"");
                return;
            }
            nd.add(e.withHardware(hw));
            return;
        }
        if (when != null || via != null) {
            f.error(when != null ? "when" : "via", "applies to IPv6 (neighbour discovery) entries only; an IPv4 entry is answered always");
            return;
        }
        PublishedEntry.Target target = parsed(f, key, () -> PublishedTargets.parse(text, exclude));
        if (target == null) return;
        if (address != null && !(target instanceof PublishedEntry.Target.Address)) {
            f.error(key, "\"" + address + "\" is a range; expected range = \"" + address + "\" or one address like \"192.0.2.7\"");
            return;
        }
        arp.add(new PublishedEntry(target, hw, broadcastOnly, delay, answerProbes));
    }

    /** What {@code parse} reads from {@code key} (and {@code exclude}), or null with its mistake reported on the key it is in. */
    private static <T> T parsed(Fields f, String key, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (PublishedTargets.BadPart e) {
            f.error(e.key(), e.forConfig());
        } catch (SyntaxException e) {
            f.error(key, e.forConfig());
        } catch (IllegalArgumentException e) {
            f.error(key, e.getMessage());
        }
        return null;
    }

    static Integer ip(Fields f, String key, String text) {
        try {
            return Addresses.ip4(text);
        } catch (SyntaxException e) {
            f.error(key, e.forConfig());
            return null;
        }
    }

    static HardwareAddress hardware(Fields f, String key) {
        String text = f.string(key, null);
        if (text == null) return null;
        try {
            return Addresses.ethernet(text);
        } catch (SyntaxException e) {
            f.error(key, e.forConfig());
            return null;
        }
    }
}
