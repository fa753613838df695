package org.uarpd.wire.nd;

import java.util.EnumSet;
import java.util.Set;

/**
 * The receive checks of RFC 4861 §7.1.1 and §7.1.2 on a decoded NS or NA. Decoding ({@link NdCodec},
 * {@link NdView}) answers "is this a well-formed packet?"; this answers "may a node act on it?". A
 * packet with any {@link NdViolation} is to be counted and dropped.
 *
 * <p>The hot path calls {@link #firstViolation(NdView)}, which allocates nothing; {@link #check}
 * lists every violation, for logs, the decode command and tests.
 */
public final class NdValidation {
    /** {@link NdViolation#values()} clones its array on every call; the hot path must not allocate. */
    private static final NdViolation[] ALL = NdViolation.values();

    private NdValidation() {}

    /** The first rule the packet under {@code v} breaks, in {@link NdViolation} order, or null when it breaks none. */
    public static NdViolation firstViolation(NdView v) {
        for (NdViolation x : ALL) {
            if (breaks(v, x)) return x;
        }
        return null;
    }

    /** Every rule the packet under {@code v} breaks (empty when it may be acted on). */
    public static Set<NdViolation> check(NdView v) {
        Set<NdViolation> out = EnumSet.noneOf(NdViolation.class);
        for (NdViolation x : ALL) {
            if (breaks(v, x)) out.add(x);
        }
        return out;
    }

    /** Every rule {@code packet} breaks: checked on its encoding, so exactly as a receiver would. */
    public static Set<NdViolation> check(NdPacket packet) {
        byte[] b = NdCodec.encode(packet);
        NdView v = new NdView();
        try {
            if (!v.reset(b, 0, b.length)) throw new AssertionError("an NdPacket encodes to an NS or NA");
        } catch (org.uarpd.wire.MalformedFrameException e) {
            throw new AssertionError("an NdPacket encodes to a well-formed packet: " + e.getMessage(), e);
        }
        return check(v);
    }

    private static boolean breaks(NdView v, NdViolation x) {
        return switch (x) {
            case HOP_LIMIT_NOT_255 -> v.hopLimit() != NdPacket.HOP_LIMIT;
            case CODE_NOT_ZERO -> v.code() != 0;
            case TARGET_MULTICAST -> v.targetIsMulticast();
            case DAD_NOT_TO_SOLICITED_NODE -> v.isSolicitation() && v.sourceIsUnspecified()
                    && !org.uarpd.wire.Ip6.isSolicitedNode(v.buffer(), v.destinationOffset());
            case DAD_WITH_SOURCE_LINK_LAYER -> v.isSolicitation() && v.sourceIsUnspecified() && v.sourceLinkLayerOffset() >= 0;
            case SOLICITED_TO_MULTICAST -> v.isAdvertisement() && v.solicited() && v.destinationIsMulticast();
        };
    }
}
