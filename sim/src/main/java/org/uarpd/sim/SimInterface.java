package org.uarpd.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.LinkType;

/** A network interface of a simulated host: its link type, hardware address, segment and addresses. */
public final class SimInterface {
    private final SimHost host;
    private final int index;
    private final String name;
    private final LinkType type;
    private final HardwareAddress address;
    private final Segment segment;
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private boolean up = true;
    int partitionGroup;

    /** An IPv4 address configured on an interface. */
    public record InterfaceAddress(int address, int prefixLength) {
        public int network() {
            return address & Ip4.mask(prefixLength);
        }

        public int broadcast() {
            return address | ~Ip4.mask(prefixLength);
        }

        public boolean contains(int other) {
            return ((other ^ address) & Ip4.mask(prefixLength)) == 0;
        }

        @Override
        public String toString() {
            return Ip4.format(address) + "/" + prefixLength;
        }
    }

    SimInterface(SimHost host, int index, String name, Segment segment, HardwareAddress address) {
        this.host = host;
        this.index = index;
        this.name = Objects.requireNonNull(name);
        this.segment = Objects.requireNonNull(segment);
        this.type = segment.linkType();
        if (address.length() != type.addressLength()) {
            throw new IllegalArgumentException("hardware address " + address + " of " + name + " has " + address.length()
                    + " bytes, a " + type.name() + " address has " + type.addressLength());
        }
        this.address = address;
    }

    public SimHost host() { return host; }
    public int index() { return index; }
    public String name() { return name; }
    public LinkType type() { return type; }
    public HardwareAddress address() { return address; }
    public Segment segment() { return segment; }
    public boolean up() { return up; }
    public List<InterfaceAddress> addresses() { return List.copyOf(addresses); }

    void setUp(boolean up) {
        this.up = up;
    }

    void addAddress(InterfaceAddress a) {
        addresses.add(a);
    }

    void clearAddresses() {
        addresses.clear();
    }

    boolean removeAddress(int address) {
        return addresses.removeIf(a -> a.address() == address);
    }

    /** True when {@code ip} is one of this interface's own addresses. */
    public boolean owns(int ip) {
        for (int i = 0; i < addresses.size(); i++) if (addresses.get(i).address() == ip) return true;
        return false;
    }

    /** True when {@code ip} is the directed broadcast of one of this interface's subnets (none for /31 and /32). */
    boolean isSubnetBroadcast(int ip) {
        for (int i = 0; i < addresses.size(); i++) {
            InterfaceAddress a = addresses.get(i);
            if (a.prefixLength() < 31 && a.broadcast() == ip) return true;
        }
        return false;
    }

    /** The address to speak from towards {@code target}: the one whose subnet holds it, else the first; 0 if none. */
    public int sourceFor(int target) {
        for (InterfaceAddress a : addresses) if (a.contains(target)) return a.address();
        return addresses.isEmpty() ? 0 : addresses.getFirst().address();
    }

    void receive(byte[] frame) {
        if (!up || !host.isUp()) return;
        host.kernel().input(this, frame);
    }

    @Override
    public String toString() {
        return host.name() + ":" + name;
    }
}
