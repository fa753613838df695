package org.uarpd.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;

/**
 * Answering ARP requests for a published range, one core. Each operation hands the
 * engine one received request frame for an address in 198.51.100.0/24 (minus an excluded /28) and
 * lets it build and emit the reply (Transmit) and its ANSWERED event into a Blackhole.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerBenchmark {
    /** Distinct requesters cycling through the frames (1: one client asking for everything). */
    @Param({"1", "16"})
    public int requesters;

    private Engine engine;
    private Input.FrameReceived[] inputs;
    private int next;
    private long now = 1_000_000_000L;
    private ActionSink sink;

    @Setup
    public void setup(Blackhole bh) {
        engine = new Engine(EngineFixtures.unlimited(1024));
        EngineFixtures.addLinks(engine, 1, now);
        PublishedEntry range = PublishedEntry.range(Cidr.parse("198.51.100.0/24"), Cidr.parse("198.51.100.240/28"));
        engine.handle(now, new Input.Command(new OperatorCommand.Publish(1, range)), a -> { });
        inputs = new Input.FrameReceived[1024];
        int base = Ip4.parse("198.51.100.0");
        for (int i = 0; i < inputs.length; i++) {
            int r = i % requesters;
            HardwareAddress hw = HardwareAddress.ofLong48(0x0200_0002_0000L + r);
            int sender = Ip4.parse("192.0.2.10") + r;
            int target = base + 1 + (i % 239);
            byte[] f = EngineFixtures.frame(Ethernet.INSTANCE.broadcast(), hw, Opcode.REQUEST, hw, sender,
                    HardwareAddress.ofLong48(0), target);
            inputs[i] = new Input.FrameReceived(1, f, 0, f.length);
        }
        sink = bh::consume;
        // sanity: every frame is answered
        int[] transmits = new int[1];
        engine.handle(now, inputs[0], a -> { if (a instanceof org.uarpd.engine.Action.Transmit) transmits[0]++; });
        if (transmits[0] != 1) throw new IllegalStateException("published range not answered");
    }

    @Benchmark
    public void answer() {
        Input.FrameReceived in = inputs[next];
        next = (next + 1) & (1024 - 1);
        engine.handle(now += 100, in, sink);
    }
}
