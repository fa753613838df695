package org.uarpd.wire;

/**
 * A link-layer frame as decoded by a {@link LinkType}: who sent it to whom, which protocol it carries
 * (an EtherType, also for LLC/SNAP and ARCnet framings, which the link type maps) and where the payload
 * lies in the buffer it was decoded from (no copy). {@code extras} holds what only one framing has
 * (a Token Ring routing information field, ARCnet split fields…) or is {@code null}. An LLC frame
 * that carries no EtherType (spanning tree, CDP…) has protocol {@code LlcSnap.NOT_ETHERTYPE} (-1)
 * and its payload starts at the LLC header.
 */
public record Frame(
        HardwareAddress destination,
        HardwareAddress source,
        int protocol,
        byte[] buffer,
        int payloadOffset,
        int payloadLength,
        Object extras) {

    public byte[] payload() {
        return java.util.Arrays.copyOfRange(buffer, payloadOffset, payloadOffset + payloadLength);
    }
}
