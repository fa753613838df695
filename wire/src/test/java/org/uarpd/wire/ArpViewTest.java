package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The zero-copy path over whole Ethernet II frames: reading, replying in place, building, allocating. */
class ArpViewTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] OURS = HEX.parseHex("02005e0000aa");
    static final int IP1 = Ip4.parse("192.0.2.1");
    static final int IP2 = Ip4.parse("192.0.2.2");

    /** A broadcast request from 02:00:5e:00:00:01 (192.0.2.1) for 192.0.2.2, padded to 60 bytes. */
    static byte[] requestFrame() {
        return HEX.parseHex("ffffffffffff" + "02005e000001" + "0806"
                + "0001080006040001" + "02005e000001c0000201" + "000000000000c0000202" + "00".repeat(18));
    }

    @Test
    void readsTheFrameAndThePacket() throws Exception {
        byte[] frame = requestFrame();
        ArpView v = new ArpView().resetEthernet(frame, 0, frame.length);
        assertThat(v.hasEthernetFrame()).isTrue();
        assertThat(v.etherType()).isEqualTo(EtherType.ARP);
        assertThat(v.linkDestinationIsBroadcast()).isTrue();
        assertThat(v.linkSourceEqualsSenderHardware()).isTrue();
        assertThat(v.offset()).isEqualTo(14);
        assertThat(v.size()).isEqualTo(28);
        assertThat(v.frameLength()).isEqualTo(60);
        assertThat(v.opcode()).isEqualTo(1);
        assertThat(v.hardwareType()).isEqualTo(1);
        assertThat(v.isIp4()).isTrue();
        assertThat(v.senderProtocolIp4()).isEqualTo(IP1);
        assertThat(v.targetProtocolIp4()).isEqualTo(IP2);
        assertThat(v.senderHardwareAsLong()).isEqualTo(0x02005e000001L);
        assertThat(v.targetHardwareIsZero()).isTrue();
        assertThat(v.toString()).isEqualTo("ArpView(who-has 192.0.2.2 tell 192.0.2.1)");
    }

    @Test
    void spoofedLinkSourceIsNoticed() throws Exception {
        byte[] frame = requestFrame();
        frame[11] = 0x77; // link-layer source no longer the ARP sender
        ArpView v = new ArpView().resetEthernet(frame, 0, frame.length);
        assertThat(v.linkSourceEqualsSenderHardware()).isFalse();
    }

    @Test
    void rewriteAsReplyReaddressesTheFrame() throws Exception {
        byte[] frame = requestFrame();
        ArpView v = new ArpView().resetEthernet(frame, 0, frame.length);
        v.rewriteAsReply(OURS, 0);
        assertThat(HEX.formatHex(frame)).isEqualTo("02005e000001" + "02005e0000aa" + "0806"
                + "0001080006040002" + "02005e0000aac0000202" + "02005e000001c0000201" + "00".repeat(18));
        // And it reads back as the reply the record path would have built.
        ArpPacket reply = ArpView.wrap(frame, 14, 46).toPacket();
        assertThat(reply).isEqualTo(ArpPacket.request(HardwareType.ETHERNET, HardwareAddress.parse("02:00:5e:00:00:01"), IP1, IP2)
                .replyTo(HardwareAddress.of(OURS)));
    }

    @Test
    void buildsARequestFrameInPlace() throws Exception {
        byte[] frame = new byte[64];
        java.util.Arrays.fill(frame, (byte) 0x33);
        ArpView v = new ArpView().initializeEthernet(frame, 2, EtherType.ARP, Opcode.REQUEST.value());
        v.setLinkDestination(HEX.parseHex("ffffffffffff"), 0);
        v.setLinkSource(OURS, 0);
        v.setSenderHardware(OURS, 0);
        v.setSenderProtocolIp4(IP2);
        v.setTargetProtocolIp4(IP1);
        assertThat(v.frameLength()).isEqualTo(60);
        byte[] sent = java.util.Arrays.copyOfRange(frame, 2, 2 + v.frameLength());
        assertThat(java.util.Arrays.copyOfRange(sent, 14, 42)).isEqualTo(ArpCodec.encode(
                ArpPacket.request(HardwareType.ETHERNET, HardwareAddress.of(OURS), IP2, IP1)));
        assertThat(HEX.formatHex(sent, 0, 14)).isEqualTo("ffffffffffff02005e0000aa0806");
        assertThat(HEX.formatHex(sent, 42, 60)).isEqualTo("00".repeat(18));
        assertThat(frame[0]).isEqualTo((byte) 0x33);
        assertThat(frame[62]).isEqualTo((byte) 0x33);
    }

    @Test
    void aFailedResetLeavesTheViewAsItWas() throws Exception {
        byte[] good = requestFrame();
        ArpView v = new ArpView().resetEthernet(good, 0, good.length);
        byte[] bad = requestFrame();
        bad[18] = 0; // ar_hln 0
        assertThatThrownBy(() -> v.resetEthernet(bad, 0, bad.length)).isInstanceOf(MalformedFrameException.class);
        assertThat(v.buffer()).isSameAs(good);
        assertThat(v.senderProtocolIp4()).isEqualTo(IP1);
    }

    @Test
    void misuseIsAProgrammingErrorNotAMalformedFrame() throws Exception {
        byte[] arcnet = ArpCodec.encode(ArpPacket.request(HardwareType.ARCNET, HardwareAddress.of((byte) 1), IP1, IP2));
        ArpView v = ArpView.wrap(arcnet, 0, arcnet.length);
        assertThat(v.hasEthernetFrame()).isFalse();
        assertThatThrownBy(v::etherType).isInstanceOf(IllegalStateException.class);
        byte[] v6ish = ArpCodec.encode(new ArpPacket(HardwareType.ETHERNET, 0x86dd, Opcode.REQUEST,
                HardwareAddress.of(OURS), ProtocolAddress.of(new byte[16]), HardwareAddress.of(OURS), ProtocolAddress.of(new byte[16])));
        ArpView w = ArpView.wrap(v6ish, 0, v6ish.length);
        assertThat(w.isIp4()).isFalse();
        assertThatThrownBy(w::senderProtocolIp4).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> w.setSenderHardware(HardwareAddress.of((byte) 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArpView().initialize(new byte[10], 0, 1, 0x800, 6, 4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArpView().initialize(new byte[64], 0, 19, 0x800, 6, 4, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArpView().initializeEthernet(new byte[59], 0, EtherType.ARP, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The hot path allocates nothing: re-pointing a kept view at a frame and reading every field the
     * engine needs. Measured with the JVM's per-thread allocation counter, not with a clock.
     */
    @Test
    void readingAFrameAllocatesNothing() throws Exception {
        byte[] frame = requestFrame();
        ArpView v = new ArpView();
        assertThat(AllocationMeter.leastBytesPer100000Calls(() -> readAll(v, frame)))
                .as("bytes allocated by 100000 decodes (least of 5 rounds)").isLessThan(1024);
    }

    private static long readAll(ArpView v, byte[] frame) throws MalformedFrameException {
        v.resetEthernet(frame, 0, frame.length);
        long x = v.opcode() + v.hardwareType() + v.protocolType() + v.senderProtocolIp4() + v.targetProtocolIp4();
        x += v.senderHardwareAsLong();
        if (v.linkSourceEqualsSenderHardware() && v.targetHardwareIsZero() && v.senderHardwareEquals(frame, 6)) x++;
        return x;
    }
}
