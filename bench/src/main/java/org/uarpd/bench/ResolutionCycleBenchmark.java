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
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;

/**
 * One full resolution — kernel miss → broadcast request (built and emitted) → reply
 * frame received → InstallNeighbor(REACHABLE) — per operation. Targets never repeat within the
 * table's lifetime: the table is kept full, so every cycle also evicts the least recently used
 * entry, as a busy daemon would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResolutionCycleBenchmark {
    @Param({"65536"})
    public int tableSize;

    private static final int LINKS = 4096;
    private Engine engine;
    private Input.KernelMiss[] misses;
    private Input.FrameReceived[] replies;
    private int next;
    private long now = 1_000_000_000L;
    private ActionSink sink;

    @Setup
    public void setup(Blackhole bh) {
        engine = new Engine(EngineFixtures.unlimited(tableSize));
        EngineFixtures.addLinks(engine, LINKS, now);
        int n = LINKS * EngineFixtures.TARGETS_PER_LINK;
        misses = new Input.KernelMiss[n];
        replies = new Input.FrameReceived[n];
        for (int i = 0; i < n; i++) {
            int link = 1 + i % LINKS;
            int t = EngineFixtures.target(i / LINKS);
            HardwareAddress hw = EngineFixtures.peerHw(i);
            misses[i] = new Input.KernelMiss(link, t, 0, null);
            byte[] f = EngineFixtures.frame(EngineFixtures.OUR_HW, hw, Opcode.REPLY, hw, t, EngineFixtures.OUR_HW, EngineFixtures.OUR_IP);
            replies[i] = new Input.FrameReceived(link, f, 0, f.length);
        }
        sink = bh::consume;
        int[] installs = new int[1];
        engine.handle(now, misses[0], a -> { });
        engine.handle(now, replies[0], a -> { if (a instanceof Action.InstallNeighbor) installs[0]++; });
        if (installs[0] != 1) throw new IllegalStateException("cycle did not install");
        next = 1;
    }

    @Benchmark
    public void missRequestReplyInstall() {
        int i = next;
        next = i + 1 == misses.length ? 0 : i + 1;
        engine.handle(now += 1_000, misses[i], sink);
        engine.handle(now += 1_000, replies[i], sink);
    }
}
