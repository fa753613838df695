package org.uarpd.linux;

import java.util.ArrayList;
import java.util.List;
import org.uarpd.engine.LinkMode;
import org.uarpd.wire.HardwareAddress;

/**
 * The interfaces uarpd was configured for, by name, with what the kernel last said about each: its
 * ifindex (0 while the interface is gone) and hardware address. The event loop also hangs the
 * link's packet sockets here; nothing else touches them.
 */
final class LinkTable {
    /** One configured interface. */
    static final class Entry {
        final String name;
        final LinkMode mode;
        int index;
        byte[] hardware;
        /** Open while the interface is present and taken over; owned by the event loop. ARP frames not addressed to this host's MAC ({@link ArpFilter}). */
        PacketSocket arp;
        /** ARP frames addressed to this host's MAC, mostly replies: a queue a broadcast flood cannot fill ({@link ArpFilter}). */
        PacketSocket unicast;
        PacketSocket rarp;
        /** IPv6 neighbour solicitations and advertisements ({@link NdFilter}). */
        PacketSocket nd;

        Entry(String name, LinkMode mode) {
            this.name = name;
            this.mode = mode;
        }

        /** Opens the two ARP, the RARP and the neighbour discovery packet sockets on the interface (taken over, or back). */
        void openSockets() {
            unicast = PacketSocket.arp(index, name, true);
            arp = PacketSocket.arp(index, name, false);
            rarp = new PacketSocket(index, name, PacketSocket.ETH_P_RARP);
            nd = new PacketSocket(index, name, NdFilter.ETH_P_IPV6, true);
        }

        /** The open packet sockets, in poll order: frames addressed to us first, so a flood of the others never delays them. */
        List<PacketSocket> sockets() {
            List<PacketSocket> out = new ArrayList<>(4);
            if (unicast != null) out.add(unicast);
            if (arp != null) out.add(arp);
            if (rarp != null) out.add(rarp);
            if (nd != null) out.add(nd);
            return out;
        }

        /** Closes them (the interface went, or could not be taken back). */
        void closeSockets() {
            if (unicast != null) unicast.close();
            if (arp != null) arp.close();
            if (rarp != null) rarp.close();
            if (nd != null) nd.close();
            unicast = null;
            arp = null;
            rarp = null;
            nd = null;
        }

        HardwareAddress hardwareAddress() {
            return hardware == null ? null : HardwareAddress.of(hardware);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    LinkTable(List<LinuxBackend.Interface> interfaces) {
        for (LinuxBackend.Interface i : interfaces) entries.add(new Entry(i.name(), i.mode()));
    }

    List<Entry> entries() {
        return entries;
    }

    Entry byName(String name) {
        for (Entry e : entries) if (e.name.equals(name)) return e;
        return null;
    }

    /** The present interface with {@code index}, or null (not configured, or 0: a gone one matches nothing). */
    Entry byIndex(int index) {
        if (index == 0) return null;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.index == index) return e;
        }
        return null;
    }

    /** The name for log lines: the configured name, or "ifindex N" for one uarpd does not know. */
    String nameOf(int index) {
        Entry e = byIndex(index);
        return e == null ? "ifindex " + index : e.name;
    }

    List<LinuxBackend.LinkInfo> info() {
        List<LinuxBackend.LinkInfo> out = new ArrayList<>();
        for (Entry e : entries) out.add(new LinuxBackend.LinkInfo(e.name, e.index, e.hardwareAddress(), e.mode));
        return out;
    }
}
