package org.uarpd.daemon.config;

import java.util.List;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.daemon.syntax.SyntaxException;

/**
 * One {@code [[links.NAME.publish]]} entry: exactly one of {@code address}, {@code range} (with
 * {@code exclude}) or {@code proxy = true}, and the per-entry options.
 */
public final class PublishSection {
    private PublishSection() {}

    static PublishedEntry read(Fields f) {
        String address = f.string("address", null);
        String range = f.string("range", null);
        boolean proxy = f.bool("proxy", false);
        List<String> exclude = f.strings("exclude");
        HardwareAddress hw = hardware(f, "hardware");
        boolean broadcastOnly = f.bool("broadcast-only", false);
        long delay = f.duration("reply-delay", 0, true);
        boolean answerProbes = f.bool("answer-probes", false);
        f.finish();
        int kinds = (address != null ? 1 : 0) + (range != null ? 1 : 0) + (proxy ? 1 : 0);
        if (kinds != 1) {
            f.error(null, (kinds == 0 ? "says nothing to publish" : "has more than one of address, range and proxy")
                    + "; expected exactly one of address = \"198.51.100.7\", range = \"198.51.100.0/24\" or proxy = true");
            return null;
        }
        // The key says which the writer meant: "address" is one address, which takes no exclusions.
        if (address != null && !exclude.isEmpty()) {
            f.error("exclude", "exclusions need a range; expected range = \"CIDR\" instead of address");
            return null;
        }
        String key = address != null ? "address" : range != null ? "range" : "proxy";
        PublishedEntry.Target target;
        try {
            target = PublishedTargets.parse(address != null ? address : range != null ? range : PublishedTargets.PROXY, exclude);
        } catch (PublishedTargets.BadExclusion e) {
            f.error("exclude", e.forConfig());
            return null;
        } catch (SyntaxException e) {
            f.error(key, e.forConfig());
            return null;
        } catch (IllegalArgumentException e) {
            f.error(key, e.getMessage());
            return null;
        }
        if (address != null && !(target instanceof PublishedEntry.Target.Address)) {
            f.error(key, "\"" + address + "\" is a range; expected range = \"" + address + "\" or one address like \"192.0.2.7\"");
            return null;
        }
        return new PublishedEntry(target, hw, broadcastOnly, delay, answerProbes);
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
