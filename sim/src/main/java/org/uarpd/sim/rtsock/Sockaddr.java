package org.uarpd.sim.rtsock;

import java.util.Objects;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

/** The socket addresses that follow a routing message header. */
public sealed interface Sockaddr {

    /** An internet address of either family: what RTA_DST, RTA_NETMASK and RTA_IFA carry. */
    sealed interface Inet extends Sockaddr permits In, In6 {}

    /** {@code struct sockaddr_in}: 16 bytes, port always 0 here. */
    record In(int address) implements Inet {
        @Override
        public String toString() {
            return Ip4.format(address);
        }
    }

    /**
     * {@code struct sockaddr_in6} (RFC 3493 §3.3): 28 bytes; port, flow information and scope id
     * always 0 here (the interface is the message's rtm_index).
     */
    record In6(Ip6Address address) implements Inet {
        public In6 {
            Objects.requireNonNull(address, "address");
        }

        /** The netmask of a /{@code prefixLength} as a sockaddr_in6, as BSD writes an IPv6 RTA_NETMASK. */
        public static In6 mask(int prefixLength) {
            if (prefixLength < 0 || prefixLength > 128) throw new IllegalArgumentException("IPv6 prefix length " + prefixLength);
            long high = prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
            long low = prefixLength <= 64 ? 0 : -1L << (128 - prefixLength);
            return new In6(new Ip6Address(high, low));
        }

        /** The prefix length of this address read as a netmask (its one bits). */
        public int prefixLength() {
            return Long.bitCount(address.high()) + Long.bitCount(address.low());
        }

        @Override
        public String toString() {
            return address.toString();
        }
    }

    /**
     * {@code struct sockaddr_dl}: interface index, interface type ({@code IFT_*}), name and
     * link-layer address of any length (ARCnet's 1 byte to IPoIB's 20).
     */
    record Dl(int index, int type, String name, HardwareAddress address) implements Sockaddr {
        public Dl {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            if (index < 0 || index > 0xFFFF) throw new IllegalArgumentException("sdl_index out of range: " + index);
            if (type < 0 || type > 0xFF) throw new IllegalArgumentException("sdl_type out of range: " + type);
        }

        @Override
        public String toString() {
            return "link#" + index + (name.isEmpty() ? "" : "(" + name + ")") + (address.length() == 0 ? "" : " " + address);
        }
    }
}
