package org.uarpd.engine;

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

    /** The address of entry {@code id} as events and actions carry it (IPv4: the address itself). */
    int eventAddress(int id);

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
    }
}
