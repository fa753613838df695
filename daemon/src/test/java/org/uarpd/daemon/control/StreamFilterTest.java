package org.uarpd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdPacket;

/** What uarpctl monitor --dst/--family and capture --host/--family let through, for both families. */
class StreamFilterTest {
    static final HardwareAddress MAC = HardwareAddress.parse("02:00:5e:00:53:02");
    static final Ip6Address PEER6 = Ip6Address.parse("2001:db8:1::2");

    static EngineEvent event4(String address) {
        return new EngineEvent(0, Kind.ANSWERED, 3, Ip4.parse(address), null, null, Reason.PUBLISHED, 0, null);
    }

    static EngineEvent event6(String address) {
        return new EngineEvent(0, Kind.ANSWERED, 3, 0, null, null, Reason.PUBLISHED, 0, null, null, Ip6Address.parse(address));
    }

    static byte[] arp(String sender, String target) {
        ArpPacket p = ArpPacket.request(HardwareType.ETHERNET, MAC, Ip4.parse(sender), Ip4.parse(target));
        return Ethernet.INSTANCE.encode(HardwareAddress.parse("ff:ff:ff:ff:ff:ff"), MAC, EtherType.ARP, ArpCodec.encode(p));
    }

    /** An NS from {@code from} for {@code target} to its solicited-node group. */
    static byte[] ns(String from, String target) {
        NdPacket p = NdPacket.solicitation(Ip6Address.parse(from), MAC, Ip6Address.parse(target));
        return Ethernet.INSTANCE.encode(p.destination().multicastMac(), MAC, EtherType.IPV6, NdCodec.encode(p));
    }

    /** An NA for {@code target} from {@code target} to {@code to}. */
    static byte[] na(String target, String to) {
        NdPacket p = NdPacket.advertisement(Ip6Address.parse(target), Ip6Address.parse(to), false, true, true, Ip6Address.parse(target),
                java.util.List.of(org.uarpd.wire.nd.NdOption.targetLinkLayer(MAC)));
        return Ethernet.INSTANCE.encode(HardwareAddress.parse("02:00:5e:00:53:01"), MAC, EtherType.IPV6, NdCodec.encode(p));
    }

    static boolean frame(StreamFilter f, byte[] b) {
        return f.wants(b, 0, b.length);
    }

    @Test
    void noFilterTakesEverything() throws Exception {
        StreamFilter all = StreamFilter.parse("--dst", null, null);
        assertThat(all.wants(event4("192.0.2.2"))).isTrue();
        assertThat(all.wants(event6("2001:db8:1::2"))).isTrue();
        assertThat(frame(all, arp("192.0.2.2", "192.0.2.1"))).isTrue();
        assertThat(frame(all, ns("2001:db8:1::2", "2001:db8:1::1"))).isTrue();
        assertThat(frame(all, new byte[] {1, 2, 3})).as("even what cannot be read").isTrue();
    }

    @Test
    void aFamilyTakesOnlyItsEventsAndFrames() throws Exception {
        StreamFilter inet6 = StreamFilter.parse("--dst", null, "inet6");
        assertThat(inet6.wants(event6("2001:db8:1::2"))).isTrue();
        assertThat(inet6.wants(event6("::"))).as("an IPv6 frame too broken to name its target").isTrue();
        assertThat(inet6.wants(event4("192.0.2.2"))).isFalse();
        assertThat(frame(inet6, ns("2001:db8:1::2", "2001:db8:1::1"))).isTrue();
        assertThat(frame(inet6, arp("192.0.2.2", "192.0.2.1"))).isFalse();
        StreamFilter inet = StreamFilter.parse("--dst", null, "inet");
        assertThat(inet.wants(event4("192.0.2.2"))).isTrue();
        assertThat(inet.wants(event6("2001:db8:1::2"))).isFalse();
        assertThat(frame(inet, arp("192.0.2.2", "192.0.2.1"))).isTrue();
        assertThat(frame(inet, na("2001:db8:1::2", "2001:db8:1::1"))).isFalse();
    }

    @Test
    void anIpv6PrefixTakesEventsAndNdFramesWithAnAddressInIt() throws Exception {
        StreamFilter p = StreamFilter.parse("--dst", "2001:db8:1::/64", null);
        assertThat(p.family()).isEqualTo("inet6");
        assertThat(p.wants(event6("2001:db8:1::2"))).isTrue();
        assertThat(p.wants(event6("2001:db8:2::2"))).isFalse();
        assertThat(p.wants(event4("192.0.2.2"))).isFalse();
        // A frame is about its source, destination or target.
        assertThat(frame(p, ns("fe80::2", "2001:db8:1::1"))).as("by target").isTrue();
        assertThat(frame(p, ns("2001:db8:1::2", "2001:db8:9::1"))).as("by source").isTrue();
        assertThat(frame(p, na("2001:db8:9::2", "2001:db8:1::1"))).as("by destination").isTrue();
        assertThat(frame(p, ns("fe80::2", "2001:db8:9::1"))).isFalse();
        assertThat(frame(p, arp("192.0.2.2", "192.0.2.1"))).isFalse();
        StreamFilter one = StreamFilter.parse("--host", "2001:db8:1::2", "inet6");
        assertThat(one.wants(event6("2001:db8:1::2"))).isTrue();
        assertThat(one.wants(event6("2001:db8:1::3"))).isFalse();
    }

    @Test
    void anIpv4AddressOrRangeKeepsArpsSenderOrTargetRule() throws Exception {
        StreamFilter one = StreamFilter.parse("--host", "198.51.100.5", null);
        assertThat(frame(one, arp("198.51.100.5", "198.51.100.1"))).isTrue();
        assertThat(frame(one, arp("198.51.100.1", "198.51.100.5"))).isTrue();
        assertThat(frame(one, arp("198.51.100.1", "198.51.100.6"))).isFalse();
        assertThat(frame(one, ns("2001:db8:1::2", "2001:db8:1::1"))).isFalse();
        assertThat(one.wants(event4("198.51.100.5"))).isTrue();
        assertThat(one.wants(event6("2001:db8:1::2"))).isFalse();
        StreamFilter range = StreamFilter.parse("--dst", "198.51.100.0/28", "inet");
        assertThat(range.wants(event4("198.51.100.15"))).isTrue();
        assertThat(range.wants(event4("198.51.100.16"))).isFalse();
    }

    @Test
    void mistakesNameTheOption() {
        assertThatThrownBy(() -> StreamFilter.parse("--dst", null, "ipx"))
                .hasMessage("--family: 'ipx' is not an address family; expected inet (ARP) or inet6 (neighbour discovery)");
        assertThatThrownBy(() -> StreamFilter.parse("--dst", "2001:db8:1::2", "inet"))
                .hasMessage("--dst 2001:db8:1::2 is not of family inet; nothing would match");
        assertThatThrownBy(() -> StreamFilter.parse("--host", "2001:db8:1::/129", null)).hasMessageStartingWith("--host: '2001:db8:1::/129' is not an IPv6 prefix");
        assertThatThrownBy(() -> StreamFilter.parse("--host", "192.0.2.300", null)).hasMessageStartingWith("--host: '192.0.2.300' is not an address range");
    }
}
