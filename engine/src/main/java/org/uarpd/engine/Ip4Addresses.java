package org.uarpd.engine;

import java.util.Arrays;

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
        long k = ((long) link << 32) | (address & 0xFFFFFFFFL);
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return (int) k;
    }
}
