package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

/**
 * Bytes a piece of hot-path code allocates on the calling thread, by the JVM's per-thread
 * allocation counter (not a clock): the least of five rounds of 100 000 calls after a warm-up, so a
 * one-off allocation by the VM on this thread (a compilation or deoptimisation under load) does not
 * count, while code that allocates shows in every round.
 */
public final class AllocationMeter {
    /** One call of the code under test; returns something to keep it from being optimised away. */
    public interface Work {
        long run() throws Exception;
    }

    private AllocationMeter() {}

    public static long leastBytesPer100000Calls(Work work) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).as("per-thread allocation counter").isTrue();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) sink += work.run(); // warm up: load and compile everything
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) sink += work.run();
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(sink).as("work results (must not all be zero)").isNotZero();
        return allocated;
    }
}
