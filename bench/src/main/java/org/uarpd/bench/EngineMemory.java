package org.uarpd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;

/**
 * Retained heap per neighbour entry at 1,000,000 entries. Builds an engine with its
 * links, measures the heap after GC, fills the table through real resolutions (kernel miss, then
 * the reply: every entry REACHABLE with a hardware address and an armed timer), measures again.
 * Run: {@code java -cp bench/target/benchmarks.jar org.uarpd.bench.EngineMemory [entries]}.
 */
public final class EngineMemory {
    private EngineMemory() {}

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int links = (entries + EngineFixtures.TARGETS_PER_LINK - 1) / EngineFixtures.TARGETS_PER_LINK;
        long now = 1_000_000_000L;
        long before = usedAfterGc();
        Engine engine = new Engine(EngineFixtures.unlimited(entries));
        EngineFixtures.addLinks(engine, links, now);
        long empty = usedAfterGc();
        byte[] reply = EngineFixtures.frame(EngineFixtures.OUR_HW, EngineFixtures.peerHw(0), Opcode.REPLY,
                EngineFixtures.peerHw(0), 0, EngineFixtures.OUR_HW, EngineFixtures.OUR_IP);
        int shaOffset = 14 + 8;
        int spaOffset = shaOffset + 6;
        for (int i = 0; i < entries; i++) {
            int link = 1 + i % links;
            int t = EngineFixtures.target(i / links);
            engine.handle(now, new Input.KernelMiss(link, t, 0, null), a -> { });
            // rewrite sender hardware and protocol address in place (the engine copies what it keeps)
            long hw = 0x0200_0001_0000L + i;
            for (int b = 5; b >= 0; b--) {
                reply[shaOffset + b] = (byte) hw;
                reply[6 + b] = (byte) hw;
                hw >>>= 8;
            }
            Ip4.write(reply, spaOffset, t);
            engine.handle(now, new Input.FrameReceived(link, reply, 0, reply.length), a -> { });
            now += 1_000;
        }
        if (engine.size() != entries) throw new IllegalStateException("table holds " + engine.size() + ", wanted " + entries);
        long full = usedAfterGc();
        double perEntry = (double) (full - empty) / entries;
        System.out.printf("entries=%d links=%d heapBeforeEngine=%d heapEmptyEngine=%d heapFull=%d bytesPerEntry=%.1f%n",
                entries, links, before, empty, full, perEntry);
        // keep the engine reachable until measured
        if (engine.pendingResolutions() < 0) System.out.println(engine);
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, mx.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
