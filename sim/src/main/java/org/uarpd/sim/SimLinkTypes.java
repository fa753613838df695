package org.uarpd.sim;

import java.util.List;
import org.uarpd.sim.rtsock.Rtm;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.LinkTypes;

/**
 * The link types the simulator can build segments of, by the name scenario files use, and the
 * mapping between a link type and the {@code IFT_*} interface type its sockaddr_dl carries.
 */
public final class SimLinkTypes {
    private static final List<LinkType> KNOWN = LinkTypes.all();

    private SimLinkTypes() {}

    public static List<LinkType> all() {
        return KNOWN;
    }

    /** The link type called {@code name}, or null. */
    public static LinkType named(String name) {
        for (LinkType t : KNOWN) if (t.name().equals(name)) return t;
        return null;
    }

    /**
     * IFT_* for a link type. Two framings share a medium twice: IEEE 802.3 with LLC/SNAP gets
     * IFT_ISO88023 beside Ethernet II's IFT_ETHER, and the Linux capture framing of ARCnet (with
     * its offset field) gets 0x24 (IFT_ARCNETPLUS in if_types.h, reused here) beside IFT_ARCNET.
     */
    public static int interfaceType(LinkType type) {
        return switch (type.name()) {
            case "ethernet" -> Rtm.IFT_ETHER;
            case "ieee802.3" -> Rtm.IFT_ISO88023;
            case "token-ring" -> Rtm.IFT_ISO88025;
            case "fddi" -> Rtm.IFT_FDDI;
            case "arcnet" -> Rtm.IFT_ARCNET;
            case "arcnet-linux" -> Rtm.IFT_ARCNET_LINUX;
            case "atm" -> Rtm.IFT_ATM;
            case "ipoib" -> Rtm.IFT_INFINIBAND;
            default -> Rtm.IFT_OTHER;
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
