package org.uarpd.sim;

import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;

/** Distinct, valid hardware addresses for test hosts on any link type. */
final class SimAddresses {
    private SimAddresses() {}

    /** The {@code n}-th (1..250) station address of {@code type}. */
    static HardwareAddress station(LinkType type, int n) {
        byte[] b = new byte[type.addressLength()];
        if (b.length == 1) {
            b[0] = (byte) n; // ARCnet: 1..255, 0 is broadcast
        } else {
            b[0] = 0x02; // locally administered, unicast, no routing-indicator bit
            b[b.length - 1] = (byte) n;
        }
        return HardwareAddress.of(b);
    }
}
