package org.uarpd.sim;

import java.util.ArrayList;
import java.util.List;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.Ethernet;

/**
 * The link types the simulator can build segments of, by the name scenario files use, and the
 * mapping between a link type and the {@code IFT_*} interface type its sockaddr_dl carries.
 */
public final class SimLinkTypes {
    private static final List<LinkType> KNOWN = new ArrayList<>(List.of(Ethernet.INSTANCE));

    private SimLinkTypes() {}

    public static List<LinkType> all() {
        return List.copyOf(KNOWN);
    }

    /** The link type called {@code name}, or null. */
    public static LinkType named(String name) {
        for (LinkType t : KNOWN) if (t.name().equals(name)) return t;
        return null;
    }

    /** IFT_* for a link type, chosen by its pcap framing (DLT), which names the medium. */
    public static int interfaceType(LinkType type) {
        return switch (type.pcapLinkType()) {
            case 1 -> Rtm.IFT_ETHER;
            case 6 -> Rtm.IFT_ISO88025;
            case 10 -> Rtm.IFT_FDDI;
            case 7, 129 -> Rtm.IFT_ARCNET;
            case 11 -> Rtm.IFT_ATM;
            case 113 -> Rtm.IFT_INFINIBAND;
            default -> 1; // IFT_OTHER
        };
    }

    /** The link type of an interface announced with {@code ift} and {@code addressLength}-byte addresses, or null. */
    public static LinkType byInterfaceType(int ift, int addressLength) {
        for (LinkType t : KNOWN) {
            if (interfaceType(t) == ift && t.addressLength() == addressLength) return t;
        }
        return null;
    }
}
