package org.uarpd.wire.nd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.AllocationMeter;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;

/** The zero-copy path over whole Ethernet II frames: reading, answering in place, building, allocating. */
class NdViewTest {
    static final byte[] OURS = HexFormat.of().parseHex("02005e0000aa");
    static final HardwareAddress OURS_MAC = HardwareAddress.of(OURS);
    static final Ip6Address A1 = NdCodecTest.A1;
    static final Ip6Address A2 = NdCodecTest.A2;

    @Test
    void readsTheFrameAndThePacket() throws Exception {
        byte[] frame = NdFixtures.solicitationFrame(0);
        NdView v = new NdView();
        assertThat(v.resetEthernet(frame, 0, frame.length)).isTrue();
        assertThat(v.hasEthernetFrame()).isTrue();
        assertThat(v.offset()).isEqualTo(14);
        assertThat(v.size()).isEqualTo(72);
        assertThat(v.frameLength()).isEqualTo(86);
        assertThat(v.isSolicitation()).isTrue();
        assertThat(v.hopLimit()).isEqualTo(255);
        assertThat(v.code()).isZero();
        assertThat(v.checksum()).isEqualTo(0xbe26);
        assertThat(v.icmpLength()).isEqualTo(32);
        assertThat(v.source()).isEqualTo(A1);
        assertThat(v.destination()).isEqualTo(A2.solicitedNode());
        assertThat(v.destinationIsSolicitedNodeOfTarget()).isTrue();
        assertThat(v.target()).isEqualTo(A2);
        assertThat(v.targetHigh()).isEqualTo(A2.high());
        assertThat(v.targetLow()).isEqualTo(A2.low());
        assertThat(v.targetEquals(A2.toBytes(), 0)).isTrue();
        assertThat(v.optionCount()).isEqualTo(1);
        assertThat(v.sourceLinkLayerOffset()).isEqualTo(14 + 40 + 24 + 2);
        assertThat(v.sourceLinkLayerLength()).isEqualTo(6);
        assertThat(v.sourceLinkLayerAsLong(6)).isEqualTo(0x02005e000001L);
        assertThat(v.targetLinkLayerOffset()).isEqualTo(-1);
        assertThat(v.nonceOffset()).isEqualTo(-1);
        assertThat(v.linkSourceEqualsSourceLinkLayer()).isTrue();
        assertThat(v.toPacket()).isEqualTo(NdCodec.decode(NdFixtures.solicitation()).orElseThrow());
        assertThatThrownBy(() -> v.targetLinkLayerAsLong(6)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void answersTheSolicitationInPlace() throws Exception {
        byte[] frame = NdFixtures.solicitationFrame(0);
        NdView v = new NdView();
        assertThat(v.resetEthernet(frame, 0, frame.length)).isTrue();
        NdPacket ns = v.toPacket();
        v.rewriteAsAdvertisement(OURS, 0, 6, false, true);
        assertThat(v.frameLength()).isEqualTo(86);
        // The frame now holds exactly what the record path builds as the answer, addressed to the asker.
        Frame f = Ethernet.INSTANCE.decode(frame, 0, v.frameLength());
        assertThat(f.protocol()).isEqualTo(EtherType.IPV6);
        assertThat(f.destination()).isEqualTo(HardwareAddress.parse("02:00:5e:00:00:01"));
        assertThat(f.source()).isEqualTo(OURS_MAC);
        assertThat(f.payload()).isEqualTo(NdCodec.encode(ns.advertisementFor(OURS_MAC, false, true)));
        NdView again = new NdView();
        assertThat(again.resetEthernet(frame, 0, v.frameLength())).isTrue();
        assertThat(again.solicited()).isTrue();
        assertThat(again.targetLinkLayerAsLong(6)).isEqualTo(0x02005e0000aaL);
        assertThat(NdValidation.firstViolation(again)).isNull();
    }

    @Test
    void answersADadProbeToAllNodesGrowingThePacket() throws Exception {
        byte[] probe = NdCodec.encode(NdPacket.dadProbe(A2, HexFormat.of().parseHex("0102030405a6")));
        byte[] frame = new byte[14 + 80];
        System.arraycopy(Ethernet.INSTANCE.encode(HardwareAddress.parse("33:33:ff:00:00:02"), HardwareAddress.parse("02:00:5e:00:00:01"),
                EtherType.IPV6, probe), 0, frame, 0, 14 + probe.length);
        NdView v = new NdView();
        assertThat(v.resetEthernet(frame, 0, 14 + probe.length)).isTrue();
        assertThat(v.nonceAsLong()).isEqualTo(0x0102030405a6L);
        assertThat(v.sourceIsUnspecified()).isTrue();
        v.rewriteAsAdvertisement(OURS, 0, 6, true, true);
        Frame f = Ethernet.INSTANCE.decode(frame, 0, v.frameLength());
        assertThat(f.destination()).isEqualTo(HardwareAddress.parse("33:33:00:00:00:01"));
        NdPacket na = NdCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()).orElseThrow();
        assertThat(na).isEqualTo(NdPacket.advertisement(A2, Ip6Address.ALL_NODES, true, false, true, A2,
                List.of(NdOption.targetLinkLayer(OURS_MAC))));
        // Without room after a DAD probe without nonce (24 bytes) for the 32-byte answer, nothing is written.
        byte[] bare = NdCodec.encode(NdPacket.dadProbe(A2, null));
        byte[] tight = Ethernet.INSTANCE.encode(HardwareAddress.parse("33:33:ff:00:00:02"), HardwareAddress.parse("02:00:5e:00:00:01"),
                EtherType.IPV6, bare);
        byte[] before = tight.clone();
        assertThat(v.resetEthernet(tight, 0, tight.length)).isTrue();
        assertThatThrownBy(() -> v.rewriteAsAdvertisement(OURS, 0, 6, false, true)).isInstanceOf(IllegalStateException.class);
        assertThat(tight).isEqualTo(before);
    }

    @Test
    void buildsAnNsInAPreallocatedFrameAsTheCodecDoes() throws Exception {
        byte[] frame = new byte[128];
        NdView v = new NdView().initializeEthernet(frame, 0, IcmpV6Type.NEIGHBOR_SOLICITATION.value());
        v.setSource(A1.toBytes(), 0);
        v.setTarget(A2.toBytes(), 0);
        Ip6Address group = A2.solicitedNode();
        v.setDestination(group.toBytes(), 0);
        v.appendLinkLayerOption(NdOptionType.SOURCE_LINK_LAYER.value(), HexFormat.of().parseHex("02005e000001"), 0, 6);
        v.setLinkSource(HexFormat.of().parseHex("02005e000001"), 0);
        v.setLinkDestinationFromMulticast();
        v.updateChecksum();
        assertThat(java.util.Arrays.copyOf(frame, v.frameLength())).isEqualTo(NdFixtures.solicitationFrame(0));
        NdView na = new NdView().initialize(new byte[100], 3, IcmpV6Type.NEIGHBOR_ADVERTISEMENT.value());
        na.setFlags(true, false, true);
        assertThat(na.router()).isTrue();
        assertThat(na.solicited()).isFalse();
        assertThat(na.override()).isTrue();
        na.appendNonce(HexFormat.of().parseHex("0102030405060708090a0b0c0d0e"), 0, 14);
        na.updateChecksum();
        assertThat(na.toPacket().nonce()).hasValueSatisfying(n -> assertThat(n).hasSize(14));
        assertThatThrownBy(() -> na.appendNonce(new byte[8], 0, 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NdView().initialize(new byte[63], 0, 135)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NdView().initialize(new byte[64], 0, 128)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The hot path allocates nothing: re-pointing a kept view at a frame, reading every field the
     * engine needs and checking the RFC 4861 §7.1 rules. Measured with the JVM's per-thread
     * allocation counter, not with a clock.
     */
    @Test
    void readingAFrameAllocatesNothing() throws Exception {
        byte[] frame = NdFixtures.solicitationFrame(0);
        NdView v = new NdView();
        assertThat(AllocationMeter.leastBytesPer100000Calls(() -> readAll(v, frame)))
                .as("bytes allocated by 100000 decodes (least of 5 rounds)").isLessThan(1024);
    }

    private static long readAll(NdView v, byte[] frame) throws MalformedFrameException {
        if (!v.resetEthernet(frame, 0, frame.length)) return 0;
        long x = v.icmpType() + v.hopLimit() + v.targetHigh() + v.targetLow() + v.sourceLow() + v.flags();
        if (v.sourceLinkLayerOffset() >= 0) x += v.sourceLinkLayerAsLong(6);
        if (NdValidation.firstViolation(v) == null && v.linkSourceEqualsSourceLinkLayer() && !v.sourceIsUnspecified()) x++;
        return x;
    }
}
