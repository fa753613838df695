package org.uarpd.daemon;

import java.util.function.BooleanSupplier;

/** Waiting in tests on a condition with a deadline, never for a fixed time. */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {}

    /** Whether {@code condition} holds within {@code seconds}; checked every few milliseconds, and once more at the deadline. */
    public static boolean within(double seconds, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(POLL_MILLIS);
        }
        return condition.getAsBoolean();
    }
}
