package org.uarpd.linux;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells a rehearsal when to stop: once the JIT has nothing left to compile for what it runs. The
 * rehearsal runs in chunks; after each the JVM's accumulated compilation time
 * ({@link CompilationMXBean#getTotalCompilationTime}, whole milliseconds of the compiler threads) is
 * read, and when it has not moved across {@link #QUIET_CHUNKS} chunks in a row the compiler has been
 * idle while the rehearsal ran: what the rounds run is compiled, and further rounds would only run
 * compiled code again. A fixed count cannot know this: on a quiet machine with uarpd's low compile
 * thresholds (packaging/uarpd.jvm-options) most of 2,000 rounds wait for nothing, and on a loaded one
 * the compiler may still be behind after them.
 *
 * <p>A chunk lasts at least {@link #CHUNK_ROUNDS} rounds and {@link #CHUNK_NANOS}, so a compilation
 * shorter than the counter's millisecond still moves it within the chunks that follow (the counter
 * accumulates), and {@link #MIN_ROUNDS} come first: the compiler only queues a method after its first
 * calls, and a rehearsal's rarer paths (a link probe every fourth round) must be called often enough
 * by then, or the first real packets find them interpreted (with 200, the first IPv4 and IPv6
 * resolutions after start were a fifth slower in BENCHMARKS.md's comparison). Without compilation time monitoring (or the java.management module) the rehearsal runs its full count.
 */
final class JitSettled {
    static final int MIN_ROUNDS = 600;
    static final int CHUNK_ROUNDS = 25;
    static final long CHUNK_NANOS = 3_000_000L;
    static final int QUIET_CHUNKS = 2;

    private final CompilationMXBean jit;
    private long chunkStart = System.nanoTime();
    private int chunkRounds;
    private long compiled = -1;
    private int quietChunks;

    JitSettled() {
        // A runtime linked without java.management (jlink) has no such counter: the full count then.
        CompilationMXBean bean = ModuleLayer.boot().findModule("java.management").isPresent() ? ManagementFactory.getCompilationMXBean() : null;
        jit = bean != null && bean.isCompilationTimeMonitoringSupported() ? bean : null;
    }

    /** Called after each round ({@code done} rounds so far): whether the JIT has settled and the rehearsal may stop. */
    boolean settled(int done) {
        if (jit == null || ++chunkRounds < CHUNK_ROUNDS) return false;
        long t = System.nanoTime();
        if (t - chunkStart < CHUNK_NANOS) return false;
        long c = jit.getTotalCompilationTime();
        quietChunks = c == compiled ? quietChunks + 1 : 0;
        compiled = c;
        chunkStart = t;
        chunkRounds = 0;
        return done >= MIN_ROUNDS && quietChunks >= QUIET_CHUNKS;
    }
}
