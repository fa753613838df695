package org.uarpd.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;

/**
 * A network interface of a simulated host: its link type, hardware address, segment, IPv4 and IPv6
 * addresses, and the multicast groups it hears (all-nodes and the solicited-node group of each IPv6
 * address, RFC 4861 §7.2.1; every group while a packet socket asks for all multicast).
 */
public final class SimInterface {
    private final SimHost host;
    private final int index;
    private final String name;
    private final LinkType type;
    private final HardwareAddress address;
    private final Segment segment;
    private final List<InterfaceAddress> addresses = new ArrayList<>();
    private final List<InterfaceAddress6> addresses6 = new ArrayList<>();
    private boolean up = true;
    private boolean allMulticast;
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

    /** An IPv6 address configured on an interface; its /{@code prefixLength} is on-link (RFC 4861 §5.2). */
    public record InterfaceAddress6(Ip6Address address, int prefixLength) {
        public boolean contains(Ip6Address other) {
            Ip6Address mask = org.uarpd.sim.rtsock.Sockaddr.In6.mask(prefixLength).address();
            return ((other.high() ^ address.high()) & mask.high()) == 0 && ((other.low() ^ address.low()) & mask.low()) == 0;
        }

        @Override
        public String toString() {
            return address + "/" + prefixLength;
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
    public List<InterfaceAddress6> addresses6() { return List.copyOf(addresses6); }

    void setUp(boolean up) {
        this.up = up;
    }

    void addAddress(InterfaceAddress a) {
        addresses.add(a);
    }

    void clearAddresses() {
        addresses.clear();
        addresses6.clear();
        allMulticast = false;
    }

    void addAddress6(InterfaceAddress6 a) {
        addresses6.add(a);
    }

    boolean removeAddress6(Ip6Address address) {
        return addresses6.removeIf(a -> a.address().equals(address));
    }

    /** True when {@code ip} is one of this interface's own IPv6 addresses. */
    public boolean owns6(Ip6Address ip) {
        for (int i = 0; i < addresses6.size(); i++) if (addresses6.get(i).address().equals(ip)) return true;
        return false;
    }

    /** The IPv6 address to speak from towards {@code target}: the one whose prefix holds it, else the first; null if none. */
    public Ip6Address sourceFor6(Ip6Address target) {
        for (InterfaceAddress6 a : addresses6) if (a.contains(target)) return a.address();
        return addresses6.isEmpty() ? null : addresses6.getFirst().address();
    }

    /** True when {@code target} is on-link here: inside the prefix of one of the interface's IPv6 addresses. */
    boolean onLink6(Ip6Address target) {
        for (int i = 0; i < addresses6.size(); i++) if (addresses6.get(i).contains(target)) return true;
        return false;
    }

    /** PACKET_MR_ALLMULTI: a packet socket (a neighbour daemon proxying for others) hears every group. */
    void setAllMulticast(boolean on) {
        this.allMulticast = on;
    }

    /**
     * Whether this interface's address filter passes a frame sent to the Ethernet group
     * {@code group}: all nodes (33:33:00:00:00:01), the solicited-node group of one of its IPv6
     * addresses (RFC 2464 §7), or any group in all-multicast mode.
     */
    boolean hearsGroup(HardwareAddress group) {
        if (allMulticast || group.equals(ALL_NODES_MAC)) return true;
        for (int i = 0; i < addresses6.size(); i++) {
            if (group.equals(addresses6.get(i).address().solicitedNode().multicastMac())) return true;
        }
        return false;
    }

    private static final HardwareAddress ALL_NODES_MAC = Ip6Address.ALL_NODES.multicastMac();

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
