package org.uarpd.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one process of a host passes to the next one of the same host ({@code uarpctl restart}): the
 * lease it held and the groups it owned under it, each with the mod revision of its ownership key
 * (the fencing token, see {@link Fleet#passOn()}). Any client may keep a lease alive, so the successor
 * carries on under the same lease and the keys never change hands in etcd.
 *
 * <p>{@code deadlineNanos} is the predecessor's fencing deadline ({@link LeaseDeadline}) on
 * {@link System#nanoTime()}, which on Linux is the machine's monotonic clock, the same in every process:
 * the lease cannot have expired before it, whoever asks, so the successor may answer until then even
 * before its own first keepalive is answered (a fresh JVM's first etcd round trip can take a second).
 * It means nothing on another machine.
 *
 * <p>Its text form, {@code LEASE_HEX DEADLINE [GROUP=REVISION]...}, is what travels between the two processes.
 */
public record Tenure(long leaseId, long deadlineNanos, Map<String, Long> groups) {

    public Tenure {
        groups = Map.copyOf(groups);
    }

    /** {@code 3474a23b2e4b9607 81237723000 vip-a=12 vip-b=15}; a lease of 0 (none held) is {@code 0}. */
    public String encode() {
        StringBuilder b = new StringBuilder(Long.toHexString(leaseId)).append(' ').append(deadlineNanos);
        groups.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> b.append(' ').append(e.getKey()).append('=').append(e.getValue()));
        return b.toString();
    }

    /** The inverse of {@link #encode()}; a malformed text is an {@link IllegalArgumentException} naming it. */
    public static Tenure decode(String text) {
        String[] words = text.strip().split(" +");
        try {
            if (words.length < 2) throw new IllegalArgumentException("lease and deadline expected");
            long lease = Long.parseUnsignedLong(words[0], 16);
            long deadline = Long.parseLong(words[1]);
            Map<String, Long> groups = new LinkedHashMap<>();
            for (int i = 2; i < words.length; i++) {
                int eq = words[i].lastIndexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("'" + words[i] + "' is not GROUP=REVISION");
                long revision = Long.parseLong(words[i].substring(eq + 1));
                if (revision <= 0) throw new IllegalArgumentException("revision of " + words[i] + " must be positive");
                groups.put(words[i].substring(0, eq), revision);
            }
            return new Tenure(lease, deadline, groups);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("fleet tenure '" + text + "': " + e.getMessage(), e);
        }
    }
}
