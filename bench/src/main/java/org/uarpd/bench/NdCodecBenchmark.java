package org.uarpd.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.nd.IcmpV6Type;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOptionType;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdValidation;
import org.uarpd.wire.nd.NdView;

/**
 * Decode, answer and encode of one IPv6 neighbour solicitation on Ethernet (an 86-byte frame with a
 * source link-layer option), two ways:
 * <ul>
 *   <li>view: a kept {@link NdView} re-pointed at a preallocated frame, checksum verified and the
 *       RFC 4861 §7.1 receive checks run (the hot path; the goal is 0 B/op); the NS turned into its
 *       NA in place (on a copy refreshed each time, the copy included in the figure); an NS built
 *       into a preallocated frame;
 *   <li>record: {@link Ethernet#decode} then {@link NdCodec#decode} into an {@link NdPacket}, and
 *       the reverse (the cold path: logs, decode command, tests).
 * </ul>
 * Run with the GC profiler to see allocation per operation:
 * {@code java -jar bench/target/benchmarks.jar NdCodec -prof gc -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NdCodecBenchmark {
    private static final byte[] OURS = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
    private static final byte[] THEIRS = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x02};
    private static final Ip6Address OUR_IP = Ip6Address.parse("2001:db8::1");
    private static final Ip6Address ASKED_IP = Ip6Address.parse("2001:db8::2");

    private final HardwareAddress ours = HardwareAddress.of(OURS);
    private final byte[] ourIp = OUR_IP.toBytes();
    private final byte[] askedIp = ASKED_IP.toBytes();
    private final byte[] group = ASKED_IP.solicitedNode().toBytes();
    private final NdView view = new NdView();
    private final NdView writer = new NdView();
    private final byte[] out = new byte[128];
    private final byte[] work = new byte[128];
    private byte[] frame;

    @Setup
    public void buildTheSolicitationFrame() {
        NdPacket ns = NdPacket.solicitation(OUR_IP, ours, ASKED_IP);
        frame = Ethernet.INSTANCE.encode(ASKED_IP.solicitedNode().multicastMac(), ours, EtherType.IPV6, NdCodec.encode(ns));
        if (frame.length != 86) throw new IllegalStateException("expected an 86-byte frame, got " + frame.length);
    }

    /** What the engine reads of an NS: type, target, source and its link-layer address, plus the receive checks. */
    @Benchmark
    public long decodeView() throws MalformedFrameException {
        NdView v = view;
        if (!v.resetEthernet(frame, 0, frame.length)) return 0;
        long x = v.icmpType() ^ v.targetHigh() ^ v.targetLow() ^ v.sourceLow();
        if (v.sourceLinkLayerOffset() >= 0) x ^= v.sourceLinkLayerAsLong(6);
        return NdValidation.firstViolation(v) == null ? x : ~x;
    }

    @Benchmark
    public NdPacket decodeRecord() throws MalformedFrameException {
        Frame f = Ethernet.INSTANCE.decode(frame, 0, frame.length);
        return NdCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength()).orElseThrow();
    }

    /** Receive the NS and answer it in place (decode, checks, rewrite, checksum). */
    @Benchmark
    public int answerInPlace() throws MalformedFrameException {
        System.arraycopy(frame, 0, work, 0, frame.length);
        NdView v = view;
        if (!v.resetEthernet(work, 0, frame.length) || NdValidation.firstViolation(v) != null) return 0;
        v.rewriteAsAdvertisement(THEIRS, 0, 6, false, true);
        return v.frameLength();
    }

    @Benchmark
    public int encodeView() {
        NdView v = writer.initializeEthernet(out, 0, IcmpV6Type.NEIGHBOR_SOLICITATION.value());
        v.setSource(ourIp, 0);
        v.setDestination(group, 0);
        v.setTarget(askedIp, 0);
        v.appendLinkLayerOption(NdOptionType.SOURCE_LINK_LAYER.value(), OURS, 0, 6);
        v.setLinkSource(OURS, 0);
        v.setLinkDestinationFromMulticast();
        v.updateChecksum();
        return v.frameLength();
    }

    @Benchmark
    public byte[] encodeRecord() {
        NdPacket ns = NdPacket.solicitation(OUR_IP, ours, ASKED_IP);
        return Ethernet.INSTANCE.encode(ns.destination().multicastMac(), ours, EtherType.IPV6, NdCodec.encode(ns));
    }
}
