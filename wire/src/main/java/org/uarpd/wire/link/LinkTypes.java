package org.uarpd.wire.link;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.uarpd.wire.LinkType;

/** Every framing uarpd speaks, by configuration name and by pcap link-layer type. */
public final class LinkTypes {
    private static final List<LinkType> ALL = List.of(
            Ethernet.INSTANCE, Ieee8023.INSTANCE, TokenRing.INSTANCE, Fddi.INSTANCE,
            Arcnet.BSD, Arcnet.LINUX, AtmLlcSnap.INSTANCE, Ipoib.INSTANCE);

    private LinkTypes() {}

    /** All link types, in a fixed order. */
    public static List<LinkType> all() {
        return ALL;
    }

    /** The link type called {@code name} ("ethernet", "token-ring", …). */
    public static LinkType byName(String name) {
        for (LinkType t : ALL) {
            if (t.name().equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException("unknown link type '" + name + "'; known: "
                + ALL.stream().map(LinkType::name).collect(Collectors.joining(", ")));
    }

    /**
     * The link type that decodes the captured frame {@code data} of pcap link-layer type
     * {@code pcapLinkType}: as {@link #forPcap}, except that a Linux cooked capture (113) is
     * {@link Ipoib} only when its header says {@code ARPHRD_INFINIBAND}, {@link LinuxCooked} otherwise.
     */
    public static Optional<LinkType> forCapture(int pcapLinkType, byte[] data) {
        if (pcapLinkType == LinuxCooked.INSTANCE.pcapLinkType()) {
            boolean infiniband = data.length >= 4 && Bytes.u16(data, 2) == Ipoib.ARPHRD_INFINIBAND;
            return Optional.of(infiniband ? Ipoib.INSTANCE : LinuxCooked.INSTANCE);
        }
        return forPcap(pcapLinkType);
    }

    /**
     * The link type that decodes captures of pcap link-layer type {@code pcapLinkType}. Type 1 is
     * shared by Ethernet II and IEEE 802.3; {@link Ethernet} decodes both.
     */
    public static Optional<LinkType> forPcap(int pcapLinkType) {
        for (LinkType t : ALL) {
            if (t.pcapLinkType() == pcapLinkType) return Optional.of(t);
        }
        return Optional.empty();
    }
}
