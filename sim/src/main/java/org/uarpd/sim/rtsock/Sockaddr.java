package org.uarpd.sim.rtsock;

import java.util.Objects;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/** The socket addresses that follow a routing message header. */
public sealed interface Sockaddr {

    /** {@code struct sockaddr_in}: 16 bytes, port always 0 here. */
    record In(int address) implements Sockaddr {
        @Override
        public String toString() {
            return Ip4.format(address);
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
