package org.uarpd.linux;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A {@link CrashRestorer} being spawned on a short-lived thread of its own: starting its shell takes
 * tens of milliseconds, which overlap the warm-up instead of delaying readiness. {@link #get()} waits
 * for it and must come before the first host change, so nothing is ever changed unguarded.
 */
final class PendingRestorer {
    private final FutureTask<CrashRestorer> spawn = new FutureTask<>(CrashRestorer::new);

    PendingRestorer() {
        Thread.ofPlatform().name("uarpd-restorer-spawn").start(spawn);
    }

    /** The running restorer, or what stopped it from starting. */
    CrashRestorer get() {
        try {
            return spawn.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the crash restorer was starting", e);
        }
    }

    /** Nothing was changed after all: lets the restorer exit without touching anything. */
    void discard() {
        try {
            get().close();
        } catch (RuntimeException ignored) {
            // it never started: nothing to disarm
        }
    }
}
