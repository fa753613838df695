package org.uarpd.engine;

import java.util.Arrays;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * The neighbour discovery domain's {@link AddressColumn}: one IPv6 address per entry as two
 * {@code long} columns (high and low 64 bits), and the reusable {@link AddressColumn.Key} that looks
 * one up without allocating.
 */
final class Ip6Addresses implements AddressColumn, AddressColumn.Key {
    private long[] high = new long[0];
    private long[] low = new long[0];
    /** RFC 4861 §6.1 / §7.2.5 IsRouter of each entry: what its last believed advertisement's Router flag said. */
    private boolean[] router = new boolean[0];
    private int keyLink;
    private long keyHigh;
    private long keyLow;
    private boolean keyRouter;

    /**
     * Points the key at ({@code high}, {@code low}) on {@code link} and returns it; valid until the next
     * call. An entry created from it is not a router: RFC 4861 §7.2.3 for one a solicitation creates.
     */
    AddressColumn.Key key(int link, long high, long low) {
        return key(link, high, low, false);
    }

    /** {@link #key(int, long, long)} for an advertisement: an entry it creates takes its Router flag (§7.2.5). */
    AddressColumn.Key key(int link, long high, long low, boolean router) {
        keyLink = link;
        keyHigh = high;
        keyLow = low;
        keyRouter = router;
        return this;
    }

    boolean router(int id) {
        return router[id];
    }

    void setRouter(int id, boolean isRouter) {
        router[id] = isRouter;
    }

    AddressColumn.Key key(int link, Ip6Address address) {
        return key(link, address.high(), address.low());
    }

    long high(int id) {
        return high[id];
    }

    long low(int id) {
        return low[id];
    }

    Ip6Address address(int id) {
        return new Ip6Address(high[id], low[id]);
    }

    @Override
    public void resize(int capacity) {
        high = Arrays.copyOf(high, capacity);
        low = Arrays.copyOf(low, capacity);
        router = Arrays.copyOf(router, capacity);
    }

    @Override
    public int hash(int link, int id) {
        return mix(link, high[id], low[id]);
    }

    @Override
    public int eventAddress(int id) {
        return 0;
    }

    @Override
    public Ip6Address eventAddress6(int id) {
        return address(id);
    }

    @Override
    public Action install(int link, int id, HardwareAddress hw, NeighborState state) {
        return new Action.InstallNeighbor6(link, address(id), hw, state, router[id]);
    }

    @Override
    public Action remove(int link, int id, boolean failed) {
        return new Action.RemoveNeighbor6(link, address(id), failed);
    }

    @Override
    public int link() {
        return keyLink;
    }

    @Override
    public int hash() {
        return mix(keyLink, keyHigh, keyLow);
    }

    @Override
    public boolean matches(int id) {
        return high[id] == keyHigh && low[id] == keyLow;
    }

    @Override
    public void store(int id) {
        high[id] = keyHigh;
        low[id] = keyLow;
        router[id] = keyRouter;
    }

    @Override
    public int eventAddress() {
        return 0;
    }

    @Override
    public Ip6Address eventAddress6() {
        return new Ip6Address(keyHigh, keyLow);
    }

    /** The link and both halves folded into one 64-bit key (the high half multiplied first, so swapped halves differ). */
    private static int mix(int link, long high, long low) {
        return AddressColumn.spread(high * 0x9e3779b97f4a7c15L ^ low ^ ((long) link << 32));
    }
}
