package org.uarpd.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * What uarpd does for IPv6 neighbour discovery on one link, beside the link's {@link LinkPolicy}
 * (whose mode, and guard switches, apply to both families).
 *
 * @param router           advertise with the Router flag set (RFC 4861 §4.4: this host forwards);
 *                         also what lets an unsolicited advertisement create an entry (RFC 9131)
 * @param unsolicited      what an unsolicited advertisement teaches about a neighbour with no entry,
 *                         or a FAILED one (treated alike, as Linux does)
 * @param dad              probe each IPv6 address the host gains by duplicate address detection
 *                         (RFC 4862 §5.4, Enhanced DAD's nonce of RFC 7527) before answering for it
 * @param dadTransmits     DupAddrDetectTransmits: probes sent, one RetransTimer apart (RFC 4862 §5.1)
 * @param removeOnConflict a duplicate found by DAD removes the address from the host
 *                         ({@link Action.RemoveAddress6}); otherwise it is reported only
 * @param published        entries answered on this link from the start
 * @param pinned           IPv6 bindings from the configuration: static, no frame changes them
 */
public record NdLinkPolicy(boolean router, Unsolicited unsolicited, boolean dad, int dadTransmits, boolean removeOnConflict,
                           List<NdPublished> published, Map<Ip6Address, HardwareAddress> pinned) {

    /**
     * Unsolicited neighbour advertisements (RFC 9131 §3; Linux's {@code drop_unsolicited_na} and
     * {@code accept_untracked_na}).
     */
    public enum Unsolicited {
        /** Never believed (Linux drop_unsolicited_na=1). */
        IGNORE,
        /** Update an entry that exists, create none (RFC 4861 §7.2.5; Linux's default). */
        UPDATE_EXISTING,
        /** Also create a STALE entry, on a link where this host is a router (RFC 9131 §3; Linux accept_untracked_na=1). */
        CREATE_STALE,
        /**
         * As {@link #CREATE_STALE}, only for an advertisement whose IPv6 source is on one of the host's
         * prefixes on the link (RFC 9131 §3 leaves the choice to the router; Linux accept_untracked_na=2).
         */
        CREATE_STALE_ON_LINK;

        /**
         * The choice Linux's sysctls {@code drop_unsolicited_na} and {@code accept_untracked_na}
         * (0, 1, 2) make; Linux's {@code forwarding} is {@link NdLinkPolicy#router}.
         */
        public static Unsolicited ofLinux(boolean dropUnsolicitedNa, int acceptUntrackedNa) {
            if (acceptUntrackedNa < 0 || acceptUntrackedNa > 2) {
                throw new IllegalArgumentException("accept_untracked_na must be 0, 1 or 2, got " + acceptUntrackedNa);
            }
            if (dropUnsolicitedNa) return IGNORE;
            return acceptUntrackedNa == 0 ? UPDATE_EXISTING : acceptUntrackedNa == 1 ? CREATE_STALE : CREATE_STALE_ON_LINK;
        }
    }

    public NdLinkPolicy {
        Objects.requireNonNull(unsolicited, "unsolicited");
        published = List.copyOf(published);
        pinned = Map.copyOf(pinned);
        if (dadTransmits < 1 || dadTransmits > 10) throw new IllegalArgumentException("dadTransmits must be 1..10, got " + dadTransmits);
    }

    /** A host (not a router), unsolicited advertisements update existing entries only, DAD on, conflicts reported. */
    public static NdLinkPolicy defaults() {
        return new NdLinkPolicy(false, Unsolicited.UPDATE_EXISTING, true, 1, false, List.of(), Map.of());
    }

    public NdLinkPolicy withRouter(boolean on) {
        return new NdLinkPolicy(on, unsolicited, dad, dadTransmits, removeOnConflict, published, pinned);
    }

    public NdLinkPolicy withUnsolicited(Unsolicited u) {
        return new NdLinkPolicy(router, u, dad, dadTransmits, removeOnConflict, published, pinned);
    }

    public NdLinkPolicy withDad(boolean on, int transmits, boolean removeOnDuplicate) {
        return new NdLinkPolicy(router, unsolicited, on, transmits, removeOnDuplicate, published, pinned);
    }

    public NdLinkPolicy withPublished(List<NdPublished> entries) {
        return new NdLinkPolicy(router, unsolicited, dad, dadTransmits, removeOnConflict, entries, pinned);
    }

    public NdLinkPolicy withPinned(Map<Ip6Address, HardwareAddress> bindings) {
        return new NdLinkPolicy(router, unsolicited, dad, dadTransmits, removeOnConflict, published, bindings);
    }
}
