package org.uarpd.engine;

import java.util.List;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;

/**
 * IPv6 addresses uarpd answers neighbour solicitations for although the host does not hold them
 * (proxy neighbour discovery, RFC 4861 §7.2.8): a prefix ({@code /128} for one address) minus
 * exclusions, answered always or only under a {@link When condition}. Answers carry Override clear,
 * so that the real owner's own advertisement wins (RFC 4861 §7.2.8, RFC 4389 §4.1.3). When several
 * cover a target, the longest prefix answers, and entries of the asking link before those published
 * on every link.
 *
 * @param range    the addresses covered
 * @param excluded addresses inside {@code range} not answered for
 * @param hardware the link-layer address to answer with; null for the link's own
 * @param when     when a solicitation for a covered address is answered
 * @param via      the link (by name) a {@link When#TARGET_ANSWERS} entry asks the target on; null otherwise
 */
public record NdPublished(Cidr6 range, List<Cidr6> excluded, HardwareAddress hardware, When when, String via) {

    /** When a covered target is answered for (docs/proxy-nd.md). */
    public enum When {
        /** Every solicitation for a covered address. */
        ALWAYS,
        /**
         * Only once the target itself has answered a solicitation uarpd sent on {@code via}: a host
         * that is not there is not claimed ({@link NdProxyChecks}).
         */
        TARGET_ANSWERS,
        /**
         * Only when the host's route to the target leaves through another of uarpd's interfaces than
         * the one the solicitation came in on (the kernel's routes, as {@link Input.RouteChanged6}
         * tells them) and the target answers there, asked as for {@link #TARGET_ANSWERS}.
         */
        ROUTE;

        /** The word configuration uses: {@code always}, {@code target-answers}, {@code route}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** The {@link #word()} back; null for anything else. */
        public static When ofWord(String word) {
            for (When w : values()) {
                if (w.word().equals(word)) return w;
            }
            return null;
        }
    }

    public NdPublished {
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(when, "when");
        excluded = List.copyOf(excluded);
        if ((when == When.TARGET_ANSWERS) != (via != null)) {
            throw new IllegalArgumentException(via == null ? "'target-answers' needs the interface to ask the target on (via)"
                    : "only 'target-answers' entries ask on another interface (via)");
        }
    }

    /** Answered always. */
    public NdPublished(Cidr6 range, List<Cidr6> excluded, HardwareAddress hardware) {
        this(range, excluded, hardware, When.ALWAYS, null);
    }

    public static NdPublished of(Cidr6 range, Cidr6... excluded) {
        return new NdPublished(range, List.of(excluded), null);
    }

    public NdPublished withHardware(HardwareAddress hw) {
        return new NdPublished(range, excluded, hw, when, via);
    }

    /** The same addresses answered {@code w} ({@code via} the link a {@link When#TARGET_ANSWERS} entry asks on, else null). */
    public NdPublished answered(When w, String viaLink) {
        return new NdPublished(range, excluded, hardware, w, viaLink);
    }

    boolean covers(long high, long low) {
        if (!range.contains(high, low)) return false;
        for (Cidr6 x : excluded) {
            if (x.contains(high, low)) return false;
        }
        return true;
    }
}
