package org.uarpd.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.ArpView;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;

/**
 * Decode and encode of one Ethernet ARP request (a 60-byte frame), two ways:
 * <ul>
 *   <li>view: a kept {@link ArpView} re-pointed at a preallocated frame (the hot path; the goal is
 *       0 B/op and under 50 ns per decode), building into a preallocated frame;
 *   <li>record: {@link Ethernet#decode} then {@link ArpCodec#decode} into an {@link ArpPacket}
 *       value, and the reverse (the cold path: logs, decode command, tests).
 * </ul>
 * Run with the GC profiler to see allocation per operation:
 * {@code java -jar bench/target/benchmarks.jar ArpCodec -prof gc -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ArpCodecBenchmark {
    private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final byte[] OURS = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x01};
    private static final int OUR_IP = Ip4.parse("192.0.2.1");
    private static final int ASKED_IP = Ip4.parse("192.0.2.2");

    private final HardwareAddress ours = HardwareAddress.of(OURS);
    private final HardwareAddress broadcast = HardwareAddress.of(BROADCAST);
    private final ArpView view = new ArpView();
    private final ArpView writer = new ArpView();
    private final byte[] out = new byte[64];
    private byte[] frame;

    @Setup
    public void buildTheRequestFrame() {
        ArpPacket request = ArpPacket.request(HardwareType.ETHERNET, ours, OUR_IP, ASKED_IP);
        frame = Ethernet.INSTANCE.encode(broadcast, ours, EtherType.ARP, ArpCodec.encode(request));
        if (frame.length != 60) throw new IllegalStateException("expected a 60-byte frame, got " + frame.length);
    }

    /** Reads what the engine reads of a request: opcode, both IPv4 addresses, the sender's MAC as a key. */
    @Benchmark
    public long decodeView() throws MalformedFrameException {
        ArpView v = view.resetEthernet(frame, 0, frame.length);
        long x = v.opcode() ^ v.hardwareType() ^ v.protocolType();
        x ^= ((long) v.senderProtocolIp4() << 32) ^ v.targetProtocolIp4();
        x ^= v.senderHardwareAsLong();
        return v.linkSourceEqualsSenderHardware() ? x : ~x;
    }

    @Benchmark
    public ArpPacket decodeRecord() throws MalformedFrameException {
        Frame f = Ethernet.INSTANCE.decode(frame, 0, frame.length);
        return ArpCodec.decode(f.buffer(), f.payloadOffset(), f.payloadLength());
    }

    @Benchmark
    public int encodeView() {
        ArpView v = writer.initializeEthernet(out, 0, EtherType.ARP, Opcode.REQUEST.value());
        v.setLinkDestination(BROADCAST, 0);
        v.setLinkSource(OURS, 0);
        v.setSenderHardware(OURS, 0);
        v.setSenderProtocolIp4(OUR_IP);
        v.setTargetProtocolIp4(ASKED_IP);
        return v.frameLength();
    }

    @Benchmark
    public byte[] encodeRecord() {
        ArpPacket request = ArpPacket.request(HardwareType.ETHERNET, ours, OUR_IP, ASKED_IP);
        return Ethernet.INSTANCE.encode(broadcast, ours, EtherType.ARP, ArpCodec.encode(request));
    }
}
