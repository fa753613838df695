package org.uarpd.fleet;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * What a host needs to join a fleet. Values arrive parsed (durations, lists); the daemon's flags and
 * {@code [fleet]} section map onto this record, and its checks name the field so the daemon can
 * prefix the file and line.
 *
 * @param endpoints        etcd client URLs, e.g. {@code http://192.0.2.11:2379}
 * @param name             the fleet: hosts with the same name share owners and directory
 * @param prefix           first element of every key, so several applications can share one etcd
 * @param host             this host's identity as other hosts see it in owners and bindings
 * @param leaseTtl         the etcd lease TTL, whole seconds; etcd may raise it to its minimum
 * @param leaseMargin      how long before the lease's earliest possible expiry this host stops
 *                         answering (covers scheduling stalls between the check and the send)
 * @param announceSchedule offsets after gaining a group at which the listener is asked to announce
 * @param groups           the published groups this host is ready to answer for
 * @param requestTimeout   how long one etcd request may take before it counts as failed
 */
public record FleetConfig(List<String> endpoints, String name, String prefix, String host,
        Duration leaseTtl, Duration leaseMargin, List<Duration> announceSchedule,
        List<String> groups, Duration requestTimeout) {

    public static final String DEFAULT_PREFIX = "uarpd";
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(2);
    /**
     * Gratuitous ARP at 0, 1, 2, 4 and 8 s: the last one comes after a switch's MAC move damping and a
     * neighbour's locktime (Linux's default is 1 s) have certainly passed.
     */
    public static final List<Duration> DEFAULT_ANNOUNCE_SCHEDULE = List.of(Duration.ZERO,
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));

    public FleetConfig {
        endpoints = List.copyOf(endpoints);
        announceSchedule = List.copyOf(announceSchedule);
        groups = List.copyOf(groups);
        if (endpoints.isEmpty()) throw new IllegalArgumentException("endpoints: at least one etcd endpoint is needed");
        for (String e : endpoints) checkEndpoint(e);
        checkSegment("name", name);
        checkSegment("prefix", prefix);
        checkSegment("host", host);
        for (String g : groups) checkSegment("groups", g);
        if (groups.size() != groups.stream().distinct().count()) throw new IllegalArgumentException("groups: a group is listed twice");
        if (leaseTtl.isNegative() || leaseTtl.toMillis() % 1000 != 0 || leaseTtl.toSeconds() < 1)
            throw new IllegalArgumentException("lease-ttl: must be a whole number of seconds, at least 1 s (etcd leases count in seconds), not " + leaseTtl);
        if (leaseMargin.isNegative() || leaseMargin.compareTo(leaseTtl.dividedBy(2)) > 0)
            throw new IllegalArgumentException("lease-margin: must be between 0 and half the lease TTL, not " + leaseMargin);
        Duration last = Duration.ZERO;
        for (Duration d : announceSchedule) {
            if (d.compareTo(last) < 0)
                throw new IllegalArgumentException("announce: offsets must not be negative and must not decrease, got " + announceSchedule);
            last = d;
        }
        if (!requestTimeout.isPositive()) throw new IllegalArgumentException("request-timeout: must be positive, not " + requestTimeout);
    }

    /** The defaults for everything a site rarely changes: prefix, TTL 2 s, margin TTL/4, announce schedule. */
    public static FleetConfig of(List<String> endpoints, String name, String host, List<String> groups) {
        return new FleetConfig(endpoints, name, DEFAULT_PREFIX, host, DEFAULT_LEASE_TTL, DEFAULT_LEASE_TTL.dividedBy(4),
                DEFAULT_ANNOUNCE_SCHEDULE, groups, DEFAULT_LEASE_TTL);
    }

    /** The same fleet with another TTL, and the margin and request timeout that go with it by default. */
    public FleetConfig withLeaseTtl(Duration ttl) {
        return new FleetConfig(endpoints, name, prefix, host, ttl, ttl.dividedBy(4), announceSchedule, groups, ttl);
    }

    /**
     * Keepalives go out six times per TTL, so that one or two lost ones still leave the deadline well
     * ahead of now and a single slow round trip never costs ownership.
     */
    public Duration keepaliveInterval() {
        return leaseTtl.dividedBy(6);
    }

    String key(String area, String last) {
        return "/" + prefix + "/" + name + "/" + area + "/" + last;
    }

    String areaPrefix(String area) {
        return "/" + prefix + "/" + name + "/" + area + "/";
    }

    private static void checkEndpoint(String e) {
        URI uri;
        try {
            uri = new URI(e);
        } catch (java.net.URISyntaxException ex) {
            throw new IllegalArgumentException("endpoints: '" + e + "' is not a URL: " + ex.getMessage());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 0)
            throw new IllegalArgumentException("endpoints: '" + e + "' must look like http://HOST:PORT");
    }

    /** Names become key segments: a slash or a control character would let one name reach into another's keys. */
    private static void checkSegment(String field, String v) {
        if (v == null || v.isEmpty()) throw new IllegalArgumentException(field + ": must not be empty");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '/' || c <= ' ' || c == 0x7f)
                throw new IllegalArgumentException(field + ": '" + v + "' must not contain '/', spaces or control characters");
        }
    }
}
