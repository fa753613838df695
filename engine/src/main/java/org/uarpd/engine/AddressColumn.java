package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * How one protocol domain stores and finds its addresses in a {@link NeighborTable}. The table holds
 * everything about an entry that does not depend on the protocol (state, timers, hardware address,
 * LRU links) and leaves the address itself to its domain's column, so that IPv4 keeps one
 * {@code int} per entry while a 128-bit IPv6 domain keeps two {@code long}s, and the state machine
 * above the table never learns which.
 */
interface AddressColumn {
    /** Makes room for entry ids {@code [0, capacity)}, keeping what is stored. */
    void resize(int capacity);

    /** The index hash of the entry {@code id} on {@code link} (equal to its {@link Key#hash()} when added). */
    int hash(int link, int id);

    /** The address of entry {@code id} as events and actions carry it (IPv4: the address itself; 0 for a wider one). */
    int eventAddress(int id);

    /** The address of entry {@code id} as events carry an IPv6 one; null in a domain whose addresses fit {@link #eventAddress}. */
    default Ip6Address eventAddress6(int id) {
        return null;
    }

    /** The action giving the kernel entry {@code id}'s binding (its family's {@code InstallNeighbor}). */
    Action install(int link, int id, HardwareAddress hw, NeighborState state);

    /** The action withdrawing entry {@code id}'s binding from the kernel (its family's {@code RemoveNeighbor}). */
    Action remove(int link, int id, boolean failed);

    /** The index hash of a 64-bit key: MurmurHash3's finaliser, so that nearby addresses spread over the index. */
    static int spread(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return (int) k;
    }

    /**
     * One address on one link, as the table looks it up or adds it. A domain reuses one key object
     * (set just before the lookup) so that the packet path allocates nothing.
     */
    interface Key {
        int link();

        /** Index hash of (link, address); the same function as {@link AddressColumn#hash}. */
        int hash();

        /** True when entry {@code id} (on this key's link) holds this key's address. */
        boolean matches(int id);

        /** Stores this key's address as entry {@code id}'s. */
        void store(int id);

        /** This key's address as events and actions carry it. */
        int eventAddress();

        /** This key's address as events carry an IPv6 one, or null (see {@link AddressColumn#eventAddress6}). */
        default Ip6Address eventAddress6() {
            return null;
        }
    }
}
