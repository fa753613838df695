package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;

/** What the engine knows of one link: kind, hardware address, state, addresses, policy, limits. */
final class Link {
    final int id;
    String name;
    LinkType type;
    HardwareAddress hardware;
    byte[] hardwareBytes;
    byte[] broadcastBytes;
    boolean up;
    LinkPolicy policy;
    FrameWriter writer;
    /** RFC 5227 claims on this link that are not bound (probing or lost): uarpd must not answer for those. */
    int unusableClaims;
    /** The link's guard, or null when its policy guards nothing. */
    Guard guard;

    // the host's own addresses on this link, with their prefixes
    int[] addresses = new int[4];
    int[] prefixes = new int[4];
    int addressCount;

    /** Published entries: the policy's, then the operator's. */
    final PublishedTable published = new PublishedTable();

    /** GCRA state of the per-link request limit. */
    long requestTat = Long.MIN_VALUE;

    /** GCRA state of the per-link learning limit ({@link LearningLimits#rate()}). */
    long learnTat = Long.MIN_VALUE;

    Link(int id) {
        this.id = id;
    }

    /** What the link's mode allows. */
    ModeRules rules() {
        return ModeRules.of(policy.mode());
    }

    void configure(String name, LinkType type, HardwareAddress hw, boolean up) {
        this.name = name;
        if (this.type != type || !hw.equals(this.hardware)) {
            this.type = type;
            this.hardware = hw;
            this.hardwareBytes = hw.toByteArray();
            this.broadcastBytes = type.broadcast().toByteArray();
            this.writer = new FrameWriter(id, type, hw);
        }
        this.up = up;
    }

    /**
     * False on ATM links (hardware type 19), whose ATMARP (RFC 2225) has its own packet layout: the
     * engine neither asks nor announces there (wire's ArpFamilyCodec reads that layout).
     */
    boolean speaksRfc826() {
        return type.hardwareType().value() != HardwareType.ATM.value();
    }

    boolean owns(int address) {
        for (int i = 0; i < addressCount; i++) {
            if (addresses[i] == address) return true;
        }
        return false;
    }

    /** True when {@code address} lies on one of this link's subnets. */
    boolean onSubnet(int address) {
        return subnetOf(address) >= 0;
    }

    /** The source address to ask {@code target} from: one on its subnet, else the first, else 0. */
    int sourceFor(int target) {
        int i = subnetOf(target);
        if (i >= 0) return addresses[i];
        return addressCount > 0 ? addresses[0] : 0;
    }

    /** Index of the first of our addresses whose subnet holds {@code address}, or -1. */
    private int subnetOf(int address) {
        for (int i = 0; i < addressCount; i++) {
            if (((addresses[i] ^ address) & Ip4.mask(prefixes[i])) == 0) return i;
        }
        return -1;
    }

    void addAddress(int address, int prefix) {
        for (int i = 0; i < addressCount; i++) {
            if (addresses[i] == address) {
                prefixes[i] = prefix;
                return;
            }
        }
        if (addressCount == addresses.length) {
            addresses = java.util.Arrays.copyOf(addresses, addressCount * 2);
            prefixes = java.util.Arrays.copyOf(prefixes, addressCount * 2);
        }
        addresses[addressCount] = address;
        prefixes[addressCount] = prefix;
        addressCount++;
    }

    void removeAddress(int address) {
        for (int i = 0; i < addressCount; i++) {
            if (addresses[i] == address) {
                addressCount--;
                System.arraycopy(addresses, i + 1, addresses, i, addressCount - i);
                System.arraycopy(prefixes, i + 1, prefixes, i, addressCount - i);
                return;
            }
        }
    }

    boolean isBroadcast(byte[] buf, int off, int len) {
        return sameBytes(broadcastBytes, buf, off, len);
    }

    boolean isOwnHardware(byte[] buf, int off, int len) {
        return sameBytes(hardwareBytes, buf, off, len);
    }

    /**
     * Whether {@code buf[off, off+len)} holds exactly {@code ours}. Hardware addresses are a few bytes
     * and usually differ early, so a plain loop beats the vectorised {@code Arrays.equals}, whose set-up
     * cost showed in the answer path's profile (it runs twice per received frame).
     */
    private static boolean sameBytes(byte[] ours, byte[] buf, int off, int len) {
        if (ours.length != len) return false;
        for (int i = 0; i < len; i++) {
            if (ours[i] != buf[off + i]) return false;
        }
        return true;
    }
}
