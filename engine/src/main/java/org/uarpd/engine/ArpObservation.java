package org.uarpd.engine;

import java.util.Arrays;
import org.uarpd.wire.HardwareAddress;

/**
 * One received ARP-family packet as values: parsed once at the edge ({@link ArpDomain#parse}), then
 * handed to the guard, the address claims, the state machine and the answering path, none of which
 * sees the frame. The hardware addresses are copies, exactly {@code ar_hln} long. The engine reuses
 * one instance for every frame: a component keeps what it needs by copying it (the table packs it).
 */
final class ArpObservation {
    /** {@link org.uarpd.wire.EtherType#ARP} or {@link org.uarpd.wire.EtherType#RARP}. */
    int etherType;
    int hardwareType;
    int opcode;
    /** Sender and target protocol (IPv4) addresses. */
    int sender;
    int target;
    /** {@code ar_sha} and {@code ar_tha}. */
    byte[] senderHardware = new byte[6];
    byte[] targetHardware = new byte[6];
    /** The link-layer source, when the framing has one of {@code ar_hln} bytes or more (its first {@code ar_hln}). */
    byte[] linkSource = new byte[6];
    boolean linkSourceKnown;
    /** The link-layer destination was the broadcast address / our own. */
    boolean toBroadcast;
    boolean toUs;

    /** Readies the arrays for {@code hln}-byte hardware addresses. */
    void hardwareLength(int hln) {
        if (senderHardware.length != hln) {
            senderHardware = new byte[hln];
            targetHardware = new byte[hln];
            linkSource = new byte[hln];
        }
    }

    HardwareAddress senderHardwareAddress() {
        return HardwareAddress.of(senderHardware);
    }

    HardwareAddress targetHardwareAddress() {
        return HardwareAddress.of(targetHardware);
    }

    /** True unless the link-layer source is known and differs from {@code ar_sha}. */
    boolean sourceMatchesSender() {
        return !linkSourceKnown || Arrays.equals(linkSource, senderHardware);
    }
}
