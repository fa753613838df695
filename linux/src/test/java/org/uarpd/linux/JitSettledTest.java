package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JitSettledTest {
    /** Work the JIT compiles after a few calls and then has nothing more to do for. */
    private static long round(long x) {
        for (int i = 0; i < 64; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        return x;
    }

    @Test
    void settlesOnceTheCompilerIsIdleButNeverBeforeTheMinimumRounds() {
        assertThat(ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported())
                .as("this JVM reports compilation time (HotSpot does)").isTrue();
        JitSettled jit = new JitSettled();
        long sink = 0;
        int settledAt = -1;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int i = 0; System.nanoTime() < deadline; i++) {
            if (jit.settled(i)) {
                settledAt = i;
                break;
            }
            sink += round(i);
            // Rounds as cheap as this one would take many thousands to fill a chunk's time: pace them.
            long until = System.nanoTime() + 50_000;
            while (System.nanoTime() < until) Thread.onSpinWait();
        }
        assertThat(sink).isNotZero();
        assertThat(settledAt).as("round at which the JIT was found idle").isGreaterThanOrEqualTo(JitSettled.MIN_ROUNDS);
    }
}
