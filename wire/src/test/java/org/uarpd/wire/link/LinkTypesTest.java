package org.uarpd.wire.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.LinkType;

class LinkTypesTest {

    @Test
    void everyLinkTypeHasItsConstants() {
        // name, ar_hrd, ar_hln, pcap LINKTYPE, broadcast
        record Row(String name, int hw, int hln, int dlt, String broadcast) {}
        List<Row> rows = List.of(
                new Row("ethernet", 1, 6, 1, "ff:ff:ff:ff:ff:ff"),
                new Row("ieee802.3", 6, 6, 1, "ff:ff:ff:ff:ff:ff"),
                new Row("token-ring", 6, 6, 6, "ff:ff:ff:ff:ff:ff"),
                new Row("fddi", 1, 6, 10, "ff:ff:ff:ff:ff:ff"),   // RFC 1390: hardware type 1 on FDDI
                new Row("arcnet", 7, 1, 7, "00"),
                new Row("arcnet-linux", 7, 1, 129, "00"),
                new Row("atm", 19, 20, 11, ""),
                new Row("ipoib", 32, 20, 113, "00:ff:ff:ff:ff:12:40:1b:ff:ff:00:00:00:00:00:00:ff:ff:ff:ff"));
        assertThat(LinkTypes.all()).extracting(LinkType::name).containsExactlyElementsOf(rows.stream().map(Row::name).toList());
        for (Row r : rows) {
            LinkType t = LinkTypes.byName(r.name());
            assertThat(t.hardwareType().value()).as(r.name()).isEqualTo(r.hw());
            assertThat(t.addressLength()).as(r.name()).isEqualTo(r.hln());
            assertThat(t.pcapLinkType()).as(r.name()).isEqualTo(r.dlt());
            assertThat(t.broadcast()).as(r.name()).isEqualTo(HardwareAddress.parse(r.broadcast()));
        }
    }

    @Test
    void byNameIgnoresCaseAndListsTheKnownNamesWhenUnknown() {
        assertThat(LinkTypes.byName("Token-Ring")).isSameAs(TokenRing.INSTANCE);
        assertThatThrownBy(() -> LinkTypes.byName("appletalk"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown link type 'appletalk'")
                .hasMessageContaining("ethernet, ieee802.3, token-ring, fddi, arcnet, arcnet-linux, atm, ipoib");
    }

    @Test
    void forPcapPicksTheDecoderOfEachLinkType() {
        assertThat(LinkTypes.forPcap(1)).containsSame(Ethernet.INSTANCE);
        assertThat(LinkTypes.forPcap(6)).containsSame(TokenRing.INSTANCE);
        assertThat(LinkTypes.forPcap(7)).containsSame(Arcnet.BSD);
        assertThat(LinkTypes.forPcap(10)).containsSame(Fddi.INSTANCE);
        assertThat(LinkTypes.forPcap(11)).containsSame(AtmLlcSnap.INSTANCE);
        assertThat(LinkTypes.forPcap(113)).containsSame(Ipoib.INSTANCE);
        assertThat(LinkTypes.forPcap(129)).containsSame(Arcnet.LINUX);
        assertThat(LinkTypes.forPcap(105)).isEmpty();
    }

    @Test
    void encodersRejectAddressesOfTheWrongLength() {
        HardwareAddress six = HardwareAddress.parse("02:00:5e:10:00:01");
        HardwareAddress one = HardwareAddress.of((byte) 1);
        for (LinkType t : List.of(Ethernet.INSTANCE, Ieee8023.INSTANCE, TokenRing.INSTANCE, Fddi.INSTANCE)) {
            assertThatThrownBy(() -> t.encode(one, six, EtherType.ARP, new byte[28])).as(t.name())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("destination address must be 6 bytes");
        }
        assertThatThrownBy(() -> Arcnet.BSD.encode(six, one, EtherType.ARP, new byte[18]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be 1 bytes");
        assertThatThrownBy(() -> Ipoib.INSTANCE.encode(six, HardwareAddress.EMPTY, EtherType.ARP, new byte[18]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20 bytes or empty");
    }

    @Test
    void encodersRejectWhatTheFramingCannotCarry() {
        HardwareAddress six = HardwareAddress.parse("02:00:5e:10:00:01");
        assertThatThrownBy(() -> Ethernet.INSTANCE.encode(six, six, 0x05DC, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an EtherType");
        assertThatThrownBy(() -> Ieee8023.INSTANCE.encode(six, six, EtherType.ARP, new byte[1493]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1500-byte length field");
        assertThatThrownBy(() -> Arcnet.BSD.encode(HardwareAddress.of((byte) 0), HardwareAddress.of((byte) 1), 0x86DD + 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no RFC 1201 ARCnet protocol ID");
        assertThatThrownBy(() -> Arcnet.LINUX.encode(HardwareAddress.of((byte) 0), HardwareAddress.of((byte) 1), EtherType.IPV4, new byte[505]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fragmentation");
        HardwareAddress routed = HardwareAddress.parse("82:00:5e:10:00:01");
        assertThatThrownBy(() -> TokenRing.INSTANCE.encode(six, routed, EtherType.ARP, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("routing information indicator");
        assertThatThrownBy(() -> new TokenRing.RoutingInformation(0, false, 0, 0,
                java.util.Collections.nCopies(15, new TokenRing.RouteDesignator(1, 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 14 route designators");
    }

    @Test
    void arcnetLinuxOffsetIsWhereTheCardBufferStarts() {
        // Short packets end at byte 256 of the 512-byte buffer (first offset byte), long ones at 512 (second).
        assertThat(Arcnet.hardwareOffset(22)).isEqualTo((256 - 22) << 8);
        assertThat(Arcnet.hardwareOffset(253)).isEqualTo(3 << 8);
        assertThat(Arcnet.hardwareOffset(300)).isEqualTo(212);
    }

    @Test
    void ethernetReportsA8021qTag() throws Exception {
        byte[] frame = java.util.HexFormat.of().parseHex("ffffffffffff02005e100001" + "8100" + "a00c" + "0806" + "00".repeat(46));
        var f = Ethernet.INSTANCE.decode(frame, 0, frame.length);
        assertThat(f.protocol()).isEqualTo(EtherType.ARP);
        assertThat(f.extras()).isEqualTo(new Ethernet.VlanTag(5, false, 12));
        assertThat(f.payloadOffset()).isEqualTo(18);
    }
}
