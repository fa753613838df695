package org.uarpd.engine;

/**
 * A received neighbour solicitation or advertisement as values, filled once by {@link NdDomain#parse}
 * (the IPv6 counterpart of {@link ArpObservation}); one instance is reused for every frame.
 */
final class NdObservation {
    boolean solicitation;
    long sourceHigh;
    long sourceLow;
    boolean sourceUnspecified;
    boolean toMulticast;
    long targetHigh;
    long targetLow;
    boolean router;
    boolean solicited;
    boolean override;
    /** Source (NS) or target (NA) link-layer address option: what the packet says the sender is at. */
    boolean hasLinkLayer;
    final byte[] linkLayer = new byte[6];
    boolean hasNonce;
    long nonce;
    /** The Ethernet source of the frame. */
    final byte[] linkSource = new byte[6];

    boolean linkSourceMatches() {
        return java.util.Arrays.equals(linkLayer, linkSource);
    }
}
