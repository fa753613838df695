package org.uarpd.fleet;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot for logs, {@code uarpctl show fleet} and metrics.
 *
 * @param connected       the last keepalive was answered within one TTL
 * @param lastContact     wall-clock time of the last answer from etcd, or null if none yet
 * @param leaseId         the current lease, 0 while none is held
 * @param leaseTtlSeconds the TTL etcd granted (it may raise the one asked for to its minimum)
 * @param owned           groups this host may answer for right now
 * @param owners          every group's owner as the watch last saw it (group → host)
 * @param directorySize   entries in the local copy of the directory
 * @param gains           times this host gained a group
 * @param takeovers       gains of a group another host had owned (failovers towards this host)
 * @param losses          times this host lost a group
 * @param storeErrors     etcd requests that failed or timed out
 * @param malformed       directory or owner values that could not be read, ignored
 * @param relists         full re-reads after a watch was cancelled (compaction or lost history)
 */
public record FleetHealth(boolean connected, Instant lastContact, long leaseId, long leaseTtlSeconds,
        Set<String> owned, Map<String, String> owners, int directorySize,
        long gains, long takeovers, long losses, long storeErrors, long malformed, long relists) {}
