package org.uarpd.engine;

import java.util.Arrays;
import org.uarpd.wire.HardwareAddress;

/**
 * The ARP domain's {@link AddressColumn}: one IPv4 address ({@code int}) per entry, and the reusable
 * {@link AddressColumn.Key} that looks one up.
 */
final class Ip4Addresses implements AddressColumn, AddressColumn.Key {
    private int[] address = new int[0];
    private int keyLink;
    private int keyAddress;

    /** Points the key at {@code address} on {@code link} and returns it; valid until the next call. */
    AddressColumn.Key key(int link, int address) {
        keyLink = link;
        keyAddress = address;
        return this;
    }

    int address(int id) {
        return address[id];
    }

    @Override
    public void resize(int capacity) {
        address = Arrays.copyOf(address, capacity);
    }

    @Override
    public int hash(int link, int id) {
        return mix(link, address[id]);
    }

    @Override
    public int eventAddress(int id) {
        return address[id];
    }

    @Override
    public Action install(int link, int id, HardwareAddress hw, NeighborState state) {
        return new Action.InstallNeighbor(link, address[id], hw, state);
    }

    @Override
    public Action remove(int link, int id, boolean failed) {
        return new Action.RemoveNeighbor(link, address[id], failed);
    }

    @Override
    public int link() {
        return keyLink;
    }

    @Override
    public int hash() {
        return mix(keyLink, keyAddress);
    }

    @Override
    public boolean matches(int id) {
        return address[id] == keyAddress;
    }

    @Override
    public void store(int id) {
        address[id] = keyAddress;
    }

    @Override
    public int eventAddress() {
        return keyAddress;
    }

    private static int mix(int link, int address) {
        return AddressColumn.spread(((long) link << 32) | (address & 0xFFFFFFFFL));
    }
}
