package org.uarpd.daemon.syntax;

import java.util.ArrayList;
import java.util.List;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.engine.PublishedEntry.Target;
import org.uarpd.wire.Ip4;

/**
 * What a published entry answers for: one address, a range less its exclusions, or {@code proxy}
 * (every address routed through another link). The config file ({@code address}, {@code range} and
 * {@code exclude} keys), the command line ({@code --publish CIDR,!EXCLUDED}) and the control socket
 * ({@code uarpctl publish TARGET -x EXCLUDED}) all come here. An IPv6 target (an address or prefix,
 * exclusions of the same family) is an entry of neighbour discovery's instead ({@link #parse6}).
 */
public final class PublishedTargets {
    public static final String PROXY = "proxy";

    private PublishedTargets() {}

    /**
     * A mistake in a part of the entry other than its target, so that each caller can point at that
     * part: the config file names its key ({@link #key()}).
     */
    public static class BadPart extends IllegalArgumentException {
        private final String key;
        private final String forConfig;

        BadPart(String key, String message, String forConfig) {
            super(message);
            this.key = key;
            this.forConfig = forConfig;
        }

        /** The config file's key of the part: {@code exclude}, {@code when} or {@code via}. */
        public String key() {
            return key;
        }

        /** The config file's form, as {@link SyntaxException#forConfig()}. */
        public String forConfig() {
            return forConfig;
        }
    }

    /** A mistake in an exclusion rather than in the target (the config file's {@code exclude} key). */
    public static final class BadExclusion extends BadPart {
        BadExclusion(String message, String forConfig) {
            super("exclude", message, forConfig);
        }
    }

    /**
     * {@code text} is "proxy", an address or a CIDR range; {@code exclusions} (addresses or ranges)
     * need a range and must lie within it. A /32 without exclusions is the one address.
     *
     * @throws SyntaxException if the target is neither an address nor a range
     * @throws BadExclusion    if an exclusion is not an address or range, lies outside the range, or
     *                         the target takes no exclusions
     */
    public static Target parse(String text, List<String> exclusions) {
        String t = text.strip();
        // The checks below only word a mistake for the config file, flags and socket; what the entry
        // is comes from the engine's one reading, which the simulator's scenarios share.
        if (t.equals(PROXY)) {
            if (!exclusions.isEmpty()) {
                String m = "exclusions need a range; proxy entries take none";
                throw new BadExclusion(m, m);
            }
        } else {
            // Without a length it was meant as one address, and is told so if it is not one.
            Cidr range = t.contains("/") ? Addresses.cidr(t) : new Cidr(Addresses.ip4(t), 32);
            for (String x : exclusions) exclusion(range, x);
        }
        return PublishedEntry.parseTarget(t, exclusions);
    }

    /** {@code CIDR[,!EXCLUDED…]}, the command line's one-word form. */
    public static Target parseList(String text) {
        String[] parts = text.split(",");
        return parse(parts[0], listedExclusions(parts, "!198.51.100.7"));
    }

    /**
     * {@link #parseList} for an IPv6 prefix: {@code 2001:db8:1::/64,!2001:db8:1::1}, and the
     * condition it is answered under as {@code when=WORD} and {@code via=IF} items ({@link #answered}).
     */
    public static NdPublished parseList6(String text) {
        List<String> parts = new ArrayList<>(List.of(text.split(",")));
        String when = listedItem(parts, "when=");
        String via = listedItem(parts, "via=");
        NdPublished e = parse6(parts.get(0), listedExclusions(parts.toArray(new String[0]), "!2001:db8:1::7"));
        return answered(e, when, via);
    }

    /** The value of the item starting with {@code key} (removed from {@code parts}), or null. */
    private static String listedItem(List<String> parts, String key) {
        for (int i = 1; i < parts.size(); i++) {
            String p = parts.get(i).strip();
            if (p.startsWith(key)) {
                parts.remove(i);
                return p.substring(key.length());
            }
        }
        return null;
    }

    /** The words {@code when} takes: {@link NdPublished.When#word()}. */
    public static final List<String> WHEN = java.util.Arrays.stream(NdPublished.When.values()).map(NdPublished.When::word).toList();

    /**
     * {@code e} answered when {@code when} (a word of {@link #WHEN}; null: always) says, asking the
     * target on interface {@code via} for {@code target-answers}, which needs it and is the only one
     * to take it.
     *
     * @throws BadPart naming the key that is wrong ({@code when} or {@code via})
     */
    public static NdPublished answered(NdPublished e, String when, String via) {
        NdPublished.When w = when == null ? NdPublished.When.ALWAYS : NdPublished.When.ofWord(when.strip());
        String wrong = w == null ? "\"" + when + "\" is not a condition; expected one of " + String.join(", ", WHEN)
                : w == NdPublished.When.TARGET_ANSWERS && (via == null || via.isBlank())
                ? "\"target-answers\" needs the interface to ask the target on; expected also via = \"IF\"" : null;
        if (wrong != null) throw new BadPart("when", wrong, wrong);
        if (w != NdPublished.When.TARGET_ANSWERS && via != null) {
            String m = "applies to when = \"target-answers\" only; expected no via, or that condition";
            throw new BadPart("via", m, m);
        }
        return e.answered(w, via == null ? null : via.strip());
    }

    /** How the entry is answered, as {@code show published} prints it: {@code always}, {@code route}, {@code target-answers via IF}. */
    public static String formatWhen(NdPublished e) {
        return e.when().word() + (e.via() != null ? " via " + e.via() : "");
    }

    /** Whether the command line's {@code text} names an IPv6 target (then {@link #parseList6} reads it). */
    public static boolean isIpv6List(String text) {
        return Addresses.isIpv6(text.split(",")[0]);
    }

    private static List<String> listedExclusions(String[] parts, String example) {
        List<String> exclusions = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String e = parts[i].strip();
            if (!e.startsWith("!")) throw new IllegalArgumentException("'" + e + "' should be an exclusion like " + example);
            exclusions.add(e.substring(1));
        }
        return exclusions;
    }

    /**
     * An IPv6 address or prefix less {@code exclusions} (addresses or prefixes within it): the
     * addresses uarpd answers neighbour solicitations for (RFC 4861 §7.2.8).
     *
     * @throws SyntaxException if the target is not an IPv6 address or prefix
     * @throws BadExclusion    if an exclusion is not one, or lies outside the target
     */
    public static NdPublished parse6(String text, List<String> exclusions) {
        Cidr6 range = Addresses.cidr6(text);
        List<Cidr6> excluded = new ArrayList<>();
        for (String x : exclusions) {
            Cidr6 c;
            try {
                c = Addresses.cidr6(x);
            } catch (SyntaxException e) {
                throw new BadExclusion(e.getMessage(), e.forConfig());
            }
            if (!range.contains(c.network()) || c.prefixLength() < range.prefixLength()) {
                String outside = " is outside the prefix " + range;
                throw new BadExclusion("'" + x.strip() + "'" + outside, "\"" + x.strip() + "\"" + outside + "; expected addresses within it");
            }
            excluded.add(c);
        }
        return new NdPublished(range, excluded, null);
    }

    /** {@code text} as an exclusion from {@code range}: within it, and no wider than it. */
    public static Cidr exclusion(Cidr range, String text) {
        Cidr x;
        try {
            x = Addresses.cidr(text);
        } catch (SyntaxException e) {
            throw new BadExclusion(e.getMessage(), e.forConfig());
        }
        if (!within(range, x)) {
            String outside = " is outside the range " + range;
            throw new BadExclusion("'" + text.strip() + "'" + outside, "\"" + text.strip() + "\"" + outside + "; expected addresses within it");
        }
        return x;
    }

    /** Whether {@code x} lies inside {@code range}. */
    public static boolean within(Cidr range, Cidr x) {
        return range.covers(x);
    }

    /** The target as it is written: the address, the range, or "proxy". */
    public static String format(Target t) {
        return switch (t) {
            case Target.Address a -> Ip4.format(a.address());
            case Target.Range r -> r.range().toString();
            case Target.RoutedElsewhere p -> PROXY;
        };
    }

    /** The exclusions as they are written: a /32 as its address. */
    public static List<String> formatExclusions(Target t) {
        if (!(t instanceof Target.Range r)) return List.of();
        return r.excluded().stream().map(c -> c.prefixLength() == 32 ? Ip4.format(c.network()) : c.toString()).toList();
    }
}
