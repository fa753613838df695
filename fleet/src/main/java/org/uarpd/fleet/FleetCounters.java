package org.uarpd.fleet;

import java.util.concurrent.atomic.AtomicLong;

/** The fleet's event counts, shared by its parts and read by {@link Fleet#health()}. */
final class FleetCounters {
    final AtomicLong gains = new AtomicLong();
    final AtomicLong takeovers = new AtomicLong();
    final AtomicLong losses = new AtomicLong();
    final AtomicLong storeErrors = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong relists = new AtomicLong();
}
