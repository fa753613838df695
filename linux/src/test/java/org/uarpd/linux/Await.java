package org.uarpd.linux;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waits on a condition with a deadline, in place of sleeping for a guessed time. */
final class Await {
    private Await() {}

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within {@code seconds}. */
    static void until(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("not within " + seconds + " s: " + what);
            pause(5);
        }
    }

    /**
     * Returns once {@code counter} has stopped moving for {@code quietMillis}; fails naming {@code what}
     * if it keeps moving for {@code seconds}.
     */
    static long quiet(String what, long seconds, long quietMillis, LongSupplier counter) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long value = counter.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(quietMillis)) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("still moving after " + seconds + " s: " + what);
            pause(5);
            long now = counter.getAsLong();
            if (now != value) {
                value = now;
                since = System.nanoTime();
            }
        }
        return value;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
