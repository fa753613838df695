package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;

/**
 * Kernel messages to engine inputs, from netlink datagrams written byte for byte as the kernel writes
 * them (rtnetlink(7)): no socket, no namespace, no privilege.
 */
class KernelTranslatorTest {
    private static final int OWN_PORT = 4242;
    private static final int U0 = 7;
    private static final byte[] MAC = {2, 0, 0x5e, 0, 0x53, 1};
    private static final byte[] PEER = {2, 0, 0x5e, 0, 0x53, 2};

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(4096, 8);
    private final NetlinkWriter w = new NetlinkWriter(buf);
    private final List<Input> inputs = new ArrayList<>();
    private final List<String> host = new ArrayList<>();
    private final LinkTable links = new LinkTable(List.of(new LinuxBackend.Interface("u0", LinkMode.AUTHORITATIVE)));
    private boolean takeBackSucceeds = true;
    private final KernelTranslator translator = new KernelTranslator(links, inputs::add, new KernelTranslator.Host() {
        @Override
        public boolean takeBack(LinkTable.Entry link) {
            host.add("take back " + link.name + " " + link.index);
            return takeBackSucceeds;
        }

        @Override
        public void released(LinkTable.Entry link, String renamedTo) {
            host.add("release " + link.name + (renamedTo == null ? "" : " renamed " + renamedTo));
        }

        @Override
        public void resync(String why) {
            host.add("resync");
        }
    }, EventLog.SILENT);

    KernelTranslatorTest() {
        LinkTable.Entry u0 = links.entries().get(0);
        u0.index = U0;
        u0.hardware = MAC.clone();
    }

    @AfterEach
    void free() {
        arena.close();
    }

    /** Walks what {@code w} holds as one received datagram. */
    private void receive() {
        translator.datagram(new NetlinkReader(buf).reset(w.length()), OWN_PORT);
    }

    private NetlinkWriter neigh(int type, int pid, int link, int state, String address) {
        w.begin(type, 0, 0);
        buf.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, w.length() - 4, pid); // nlmsg_pid of the message just begun
        return w.ndmsg(Libc.AF_INET, link, state, 0, Rtnetlink.RTN_UNICAST).attrBe32(Rtnetlink.NDA_DST, Ip4.parse(address));
    }

    private NetlinkWriter addr(int type, int link, String address, int prefix) {
        return w.begin(type, 0, 0).ifaddrmsg(Libc.AF_INET, prefix, link).attrBe32(Rtnetlink.IFA_LOCAL, Ip4.parse(address));
    }

    private NetlinkWriter link(int type, int index, String name, byte[] mac, boolean up) {
        w.begin(type, 0, 0).u8(Libc.AF_UNSPEC).u8(0).u16(Rtnetlink.ARPHRD_ETHER).u32(index).u32(up ? Rtnetlink.IFF_UP : 0).u32(0)
                .attrString(Rtnetlink.IFLA_IFNAME, name);
        return mac == null ? w : w.attr(Rtnetlink.IFLA_ADDRESS, mac);
    }

    @Test
    void aNewResolutionBecomesAKernelMissWithItsProbeCount() {
        neigh(Rtnetlink.RTM_GETNEIGH, 0, U0, Rtnetlink.NUD_INCOMPLETE, "192.0.2.9").attrU32(Rtnetlink.NDA_PROBES, 2).end();
        receive();
        assertThat(inputs).containsExactly(new Input.KernelMiss(U0, Ip4.parse("192.0.2.9"), 2, null));
    }

    @Test
    void aProbeReCheckCarriesTheAddressItDoubts() {
        neigh(Rtnetlink.RTM_GETNEIGH, 0, U0, Rtnetlink.NUD_PROBE, "192.0.2.9").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        receive();
        assertThat(inputs).containsExactly(new Input.KernelMiss(U0, Ip4.parse("192.0.2.9"), 0, HardwareAddress.of(PEER)));
    }

    @Test
    void neighbourChangesOfOthersArriveAndTheEchoesOfOurOwnRequestsDoNot() {
        // One datagram, three messages: our own install's echo, someone's install, someone's delete.
        neigh(Rtnetlink.RTM_NEWNEIGH, OWN_PORT, U0, Rtnetlink.NUD_REACHABLE, "192.0.2.3").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        neigh(Rtnetlink.RTM_NEWNEIGH, 999, U0, Rtnetlink.NUD_STALE, "192.0.2.4").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        neigh(Rtnetlink.RTM_DELNEIGH, 0, U0, Rtnetlink.NUD_FAILED, "192.0.2.5").end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.KernelNeighborChanged(U0, Ip4.parse("192.0.2.4"), HardwareAddress.of(PEER), NeighborState.STALE),
                new Input.KernelNeighborChanged(U0, Ip4.parse("192.0.2.5"), null, null));
    }

    @Test
    void everyKernelStateMapsAndNoArpEntriesAreNotArpsBusiness() {
        int[] nud = {Rtnetlink.NUD_INCOMPLETE, Rtnetlink.NUD_REACHABLE, Rtnetlink.NUD_STALE, Rtnetlink.NUD_DELAY,
                Rtnetlink.NUD_PROBE, Rtnetlink.NUD_FAILED, Rtnetlink.NUD_PERMANENT, Rtnetlink.NUD_NOARP};
        for (int i = 0; i < nud.length; i++) neigh(Rtnetlink.RTM_NEWNEIGH, 0, U0, nud[i], "192.0.2." + (10 + i)).end();
        receive();
        assertThat(inputs).extracting(i -> ((Input.KernelNeighborChanged) i).state()).containsExactly(
                NeighborState.INCOMPLETE, NeighborState.REACHABLE, NeighborState.STALE, NeighborState.DELAY,
                NeighborState.PROBE, NeighborState.FAILED, NeighborState.STATIC);
    }

    @Test
    void messagesAboutInterfacesUarpdWasNotGivenAndOtherFamiliesAreDropped() {
        neigh(Rtnetlink.RTM_GETNEIGH, 0, 99, Rtnetlink.NUD_INCOMPLETE, "192.0.2.9").end();
        addr(Rtnetlink.RTM_NEWADDR, 99, "192.0.2.1", 24).end();
        neigh6(Rtnetlink.RTM_GETNEIGH, 0, 99, Rtnetlink.NUD_INCOMPLETE, "2001:db8::9").end();
        addr6(Rtnetlink.RTM_NEWADDR, 99, "2001:db8::1", 64, 0).end();
        w.begin(Rtnetlink.RTM_GETNEIGH, 0, 0).ndmsg(7 /* AF_BRIDGE */, U0, Rtnetlink.NUD_INCOMPLETE, 0, Rtnetlink.RTN_UNICAST)
                .attr(Rtnetlink.NDA_DST, new byte[16]).end();
        // An IPv6 message whose NDA_DST has an IPv4 length is not an IPv6 neighbour.
        w.begin(Rtnetlink.RTM_GETNEIGH, 0, 0).ndmsg(Libc.AF_INET6, U0, Rtnetlink.NUD_INCOMPLETE, 0, Rtnetlink.RTN_UNICAST)
                .attrBe32(Rtnetlink.NDA_DST, 1).end();
        receive();
        assertThat(inputs).isEmpty();
        assertThat(translator.addresses()).isEmpty();
        assertThat(translator.addresses6(99)).isEmpty();
    }

    private NetlinkWriter neigh6(int type, int pid, int link, int state, String address) {
        w.begin(type, 0, 0);
        buf.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, w.length() - 4, pid);
        return w.ndmsg(Libc.AF_INET6, link, state, 0, Rtnetlink.RTN_UNICAST).attr(Rtnetlink.NDA_DST, Ip6.parse(address));
    }

    /** An IPv6 address message as the kernel writes it: IFA_ADDRESS, and IFA_FLAGS with the whole flag word. */
    private NetlinkWriter addr6(int type, int link, String address, int prefix, int flags) {
        return w.begin(type, 0, 0).u8(Libc.AF_INET6).u8(prefix).u8(flags & 0xFF).u8(0).u32(link)
                .attr(Rtnetlink.IFA_ADDRESS, Ip6.parse(address)).attrU32(Rtnetlink.IFA_FLAGS, flags);
    }

    /** An IPv6 route message as the kernel writes it: rtmsg, then RTA_TABLE, RTA_DST, RTA_PRIORITY and RTA_OIF. */
    private NetlinkWriter route6(int type, String prefix, int length, int table, int routeType, int oif, int metric) {
        w.begin(type, 0, 0).u8(Libc.AF_INET6).u8(length).u8(0).u8(0).u8(table).u8(Rtnetlink.RTPROT_STATIC).u8(0).u8(routeType).u32(0)
                .attrU32(15, table);
        if (length > 0) w.attr(Rtnetlink.RTA_DST, Ip6.parse(prefix));
        return w.attrU32(6, metric).attrU32(Rtnetlink.RTA_OIF, oif);
    }

    @Test
    void ipv6UnicastRoutesOfTheMainTableOfEveryInterfaceBecomeRouteInputs() {
        route6(Rtnetlink.RTM_NEWROUTE, "2001:db8:2::", 64, Rtnetlink.RT_TABLE_MAIN, Rtnetlink.RTN_UNICAST, 77, 1024).end();
        route6(Rtnetlink.RTM_NEWROUTE, "::", 0, Rtnetlink.RT_TABLE_MAIN, Rtnetlink.RTN_UNICAST, U0, 100).end();
        route6(Rtnetlink.RTM_NEWROUTE, "2001:db8:3::", 64, 255, Rtnetlink.RTN_UNICAST, U0, 0).end(); // local table
        route6(Rtnetlink.RTM_NEWROUTE, "2001:db8:4::", 64, Rtnetlink.RT_TABLE_MAIN, 6, U0, 1024).end(); // blackhole
        route6(Rtnetlink.RTM_DELROUTE, "2001:db8:2::", 64, Rtnetlink.RT_TABLE_MAIN, Rtnetlink.RTN_UNICAST, 77, 1024).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.RouteChanged6(77, org.uarpd.engine.Cidr6.parse("2001:db8:2::/64"), 1024, false),
                new Input.RouteChanged6(U0, org.uarpd.engine.Cidr6.parse("::/0"), 100, false),
                new Input.RouteChanged6(77, org.uarpd.engine.Cidr6.parse("2001:db8:2::/64"), 1024, true));
    }

    @Test
    void anIpv6MissBecomesAKernelMiss6AndAProbeReCheckCarriesTheAddressItDoubts() {
        neigh6(Rtnetlink.RTM_GETNEIGH, 0, U0, Rtnetlink.NUD_INCOMPLETE, "2001:db8:1::2").attrU32(Rtnetlink.NDA_PROBES, 1).end();
        neigh6(Rtnetlink.RTM_GETNEIGH, 0, U0, Rtnetlink.NUD_PROBE, "2001:db8:1::3").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.KernelMiss6(U0, Ip6Address.parse("2001:db8:1::2"), 1, null),
                new Input.KernelMiss6(U0, Ip6Address.parse("2001:db8:1::3"), 0, HardwareAddress.of(PEER)));
    }

    @Test
    void ipv6NeighbourChangesOfOthersArriveAndOurEchoesAndMulticastEntriesDoNot() {
        neigh6(Rtnetlink.RTM_NEWNEIGH, OWN_PORT, U0, Rtnetlink.NUD_REACHABLE, "2001:db8::3").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        neigh6(Rtnetlink.RTM_NEWNEIGH, 999, U0, Rtnetlink.NUD_STALE, "2001:db8::4").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        neigh6(Rtnetlink.RTM_NEWNEIGH, 0, U0, Rtnetlink.NUD_NOARP, "ff02::1:ff00:4").attr(Rtnetlink.NDA_LLADDR, PEER).end();
        neigh6(Rtnetlink.RTM_DELNEIGH, 0, U0, Rtnetlink.NUD_FAILED, "2001:db8::5").end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.KernelNeighborChanged6(U0, Ip6Address.parse("2001:db8::4"), HardwareAddress.of(PEER), NeighborState.STALE),
                new Input.KernelNeighborChanged6(U0, Ip6Address.parse("2001:db8::5"), null, null));
    }

    @Test
    void anIpv6AddressIsTheHostsOnceDuplicateAddressDetectionPassesAndNoLongerWhenItFails() {
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::1", 64, Rtnetlink.IFA_F_TENTATIVE).end();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::1", 64, 0).end();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::7", 64, Rtnetlink.IFA_F_TENTATIVE).end();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::7", 64, Rtnetlink.IFA_F_TENTATIVE | Rtnetlink.IFA_F_DADFAILED).end();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "fe80::1", 64, 0x100 /* IFA_F_NOPREFIXROUTE: beyond the header's byte */).end();
        addr6(Rtnetlink.RTM_DELADDR, U0, "fe80::1", 64, 0).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.AddressAdded6(U0, Ip6Address.parse("2001:db8::1"), 64),
                new Input.AddressAdded6(U0, Ip6Address.parse("fe80::1"), 64),
                new Input.AddressRemoved6(U0, Ip6Address.parse("fe80::1"), 64));
        assertThat(translator.addresses6(U0)).containsExactly(Ip6Address.parse("2001:db8::1"));

        inputs.clear();
        w.reset();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::1", 64, Rtnetlink.IFA_F_DADFAILED | Rtnetlink.IFA_F_TENTATIVE).end();
        receive();
        assertThat(inputs).containsExactly(new Input.AddressRemoved6(U0, Ip6Address.parse("2001:db8::1"), 64));
        assertThat(translator.addresses6(U0)).isEmpty();
    }

    @Test
    void anIpv6ResyncReportsAddressesThatWentUnseenAndReplaysPendingResolutionsAsFreshMisses() {
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::1", 64, 0).end();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::100", 64, 0).end();
        receive();
        inputs.clear();
        Ip6Address pending = Ip6Address.parse("2001:db8::20");
        Ip6Address known = Ip6Address.parse("2001:db8::21");
        translator.resynced6(
                List.of(new KernelMessage.Address6(true, U0, Ip6Address.parse("2001:db8::1"), 64, false, false)),
                List.of(new KernelMessage.Neighbor6(Rtnetlink.RTM_NEWNEIGH, 0, U0, Rtnetlink.NUD_INCOMPLETE, 0, pending, null, 3),
                        new KernelMessage.Neighbor6(Rtnetlink.RTM_NEWNEIGH, 0, U0, Rtnetlink.NUD_REACHABLE, 0, known, PEER, -1),
                        new KernelMessage.Neighbor6(Rtnetlink.RTM_NEWNEIGH, 0, 99, Rtnetlink.NUD_REACHABLE, 0, known, PEER, -1)),
                List.of());
        assertThat(inputs).containsExactly(
                new Input.RoutesReset6(),
                new Input.AddressAdded6(U0, Ip6Address.parse("2001:db8::1"), 64, true),
                new Input.AddressRemoved6(U0, Ip6Address.parse("2001:db8::100"), 64),
                new Input.KernelMiss6(U0, pending, 0, null),
                new Input.KernelNeighborChanged6(U0, known, HardwareAddress.of(PEER), NeighborState.REACHABLE));
    }

    @Test
    void addressesValidAtTheStartDumpAreTheHostsAtOnceWhileOnesStillTentativeAreCheckedWhenTheyBecomeValid() {
        Ip6Address preferred = Ip6Address.parse("2001:db8::1");
        Ip6Address tentative = Ip6Address.parse("2001:db8::2");
        translator.resynced6(
                List.of(new KernelMessage.Address6(true, U0, preferred, 64, false, false),
                        new KernelMessage.Address6(true, U0, tentative, 64, true, false)),
                List.of(), List.of());
        // The kernel's DAD of the first is long over: no second DAD run of uarpd's for it.
        assertThat(inputs).containsExactly(new Input.RoutesReset6(), new Input.AddressAdded6(U0, preferred, 64, true));
        inputs.clear();
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::2", 64, 0).end();
        receive();
        assertThat(inputs).containsExactly(new Input.AddressAdded6(U0, tentative, 64, false));
    }

    @Test
    void aGoneLinkTakesItsIpv6AddressesWithIt() {
        addr6(Rtnetlink.RTM_NEWADDR, U0, "2001:db8::1", 64, 0).end();
        link(Rtnetlink.RTM_DELLINK, U0, "u0", null, false).end();
        receive();
        assertThat(translator.addresses6(U0)).isEmpty();
    }

    @Test
    void theHostsAddressesComeAndGoAndAreKept() {
        addr(Rtnetlink.RTM_NEWADDR, U0, "192.0.2.1", 24).end();
        addr(Rtnetlink.RTM_NEWADDR, U0, "198.51.100.1", 32).end();
        addr(Rtnetlink.RTM_DELADDR, U0, "198.51.100.1", 32).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.AddressAdded(U0, Ip4.parse("192.0.2.1"), 24),
                new Input.AddressAdded(U0, Ip4.parse("198.51.100.1"), 32),
                new Input.AddressRemoved(U0, Ip4.parse("198.51.100.1"), 32));
        assertThat(translator.addresses()).singleElement().satisfies(a -> assertThat(a).containsExactly(U0, Ip4.parse("192.0.2.1") & 0xFFFFFFFFL));
        assertThat(translator.addressOn(U0, -1)).isEqualTo(Ip4.parse("192.0.2.1"));
        assertThat(translator.addressOn(99, -1)).isEqualTo(-1);
    }

    @Test
    void aLinkThatChangesGoesAndComesBackUnderANewIndexIsTakenBackAndResynchronised() {
        byte[] newMac = {2, 0, 0x5e, 0, 0x53, 9};
        addr(Rtnetlink.RTM_NEWADDR, U0, "192.0.2.1", 24).end();
        link(Rtnetlink.RTM_NEWLINK, U0, "u0", newMac, false).end();
        link(Rtnetlink.RTM_DELLINK, U0, "u0", null, false).end();
        link(Rtnetlink.RTM_NEWLINK, 12, "other", newMac, true).end(); // not ours: nothing
        link(Rtnetlink.RTM_NEWLINK, 15, "u0", newMac, true).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.AddressAdded(U0, Ip4.parse("192.0.2.1"), 24),
                new Input.LinkChanged(U0, "u0", Ethernet.INSTANCE, HardwareAddress.of(newMac), false),
                new Input.LinkRemoved(U0),
                new Input.LinkChanged(15, "u0", Ethernet.INSTANCE, HardwareAddress.of(newMac), true));
        assertThat(host).containsExactly("release u0", "take back u0 15", "resync");
        assertThat(translator.addresses()).as("the gone link's addresses went with it").isEmpty();
        assertThat(links.byName("u0").index).isEqualTo(15);
    }

    @Test
    void aRenamedLinkIsReleasedAndServedAgainWhenItsNameComesBack() {
        addr(Rtnetlink.RTM_NEWADDR, U0, "192.0.2.1", 24).end();
        link(Rtnetlink.RTM_NEWLINK, U0, "v0", MAC, true).end();
        link(Rtnetlink.RTM_NEWLINK, U0, "v0", MAC, true).end(); // no longer ours: nothing
        link(Rtnetlink.RTM_NEWLINK, U0, "u0", MAC, true).end();
        receive();
        assertThat(inputs).containsExactly(
                new Input.AddressAdded(U0, Ip4.parse("192.0.2.1"), 24),
                new Input.LinkRemoved(U0),
                new Input.LinkChanged(U0, "u0", Ethernet.INSTANCE, HardwareAddress.of(MAC), true));
        assertThat(host).containsExactly("release u0 renamed v0", "take back u0 " + U0, "resync");
        assertThat(links.byName("u0").index).isEqualTo(U0);
    }

    @Test
    void aLinkThatCannotBeTakenBackStaysGone() {
        takeBackSucceeds = false;
        link(Rtnetlink.RTM_DELLINK, U0, "u0", null, false).end();
        link(Rtnetlink.RTM_NEWLINK, 15, "u0", MAC, true).end();
        receive();
        assertThat(inputs).containsExactly(new Input.LinkRemoved(U0));
        assertThat(host).containsExactly("release u0", "take back u0 15");
        assertThat(links.byName("u0").index).isZero();
    }

    @Test
    void aResyncReportsAddressesThatWentUnseenAndReplaysPendingResolutionsAsFreshMisses() {
        addr(Rtnetlink.RTM_NEWADDR, U0, "192.0.2.1", 24).end();
        addr(Rtnetlink.RTM_NEWADDR, U0, "192.0.2.100", 24).end();
        receive();
        inputs.clear();
        int pending = Ip4.parse("192.0.2.20");
        int known = Ip4.parse("192.0.2.21");
        translator.resynced(
                List.of(new KernelMessage.Address(true, U0, Ip4.parse("192.0.2.1"), 24)),
                List.of(new KernelMessage.Neighbor(Rtnetlink.RTM_NEWNEIGH, OWN_PORT, U0, Rtnetlink.NUD_INCOMPLETE, 0, pending, null, 5),
                        new KernelMessage.Neighbor(Rtnetlink.RTM_NEWNEIGH, OWN_PORT, U0, Rtnetlink.NUD_REACHABLE, 0, known, PEER, -1),
                        new KernelMessage.Neighbor(Rtnetlink.RTM_NEWNEIGH, OWN_PORT, 99, Rtnetlink.NUD_REACHABLE, 0, known, PEER, -1)));
        assertThat(inputs).containsExactly(
                new Input.AddressAdded(U0, Ip4.parse("192.0.2.1"), 24),
                new Input.AddressRemoved(U0, Ip4.parse("192.0.2.100"), 32),
                // Five unheard kernel probes do not spend the replayed resolution's budget.
                new Input.KernelMiss(U0, pending, 0, null),
                new Input.KernelNeighborChanged(U0, known, HardwareAddress.of(PEER), NeighborState.REACHABLE));
    }

    @Test
    void aTruncatedDatagramEndsTheWalkWithoutAnInput() {
        neigh(Rtnetlink.RTM_GETNEIGH, 0, U0, Rtnetlink.NUD_INCOMPLETE, "192.0.2.9").end();
        translator.datagram(new NetlinkReader(buf).reset(w.length() - 1), OWN_PORT);
        assertThat(inputs).isEmpty();
    }
}
