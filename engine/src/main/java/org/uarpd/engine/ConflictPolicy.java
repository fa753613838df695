package org.uarpd.engine;

import java.util.Map;
import java.util.Objects;

/**
 * RFC 5227 for the host's own addresses on a link.
 *
 * @param probe        probe each address the host gains before using it (§2.1): while probing uarpd
 *                     does not answer for it; a conflict makes it unusable
 * @param announce     announce each address once it is ours (§2.3: ANNOUNCE_NUM announcements,
 *                     ANNOUNCE_INTERVAL apart, after ANNOUNCE_WAIT when probed)
 * @param defense      what to do when another host uses a bound address (§2.4), unless
 *                     {@code perAddress} says otherwise
 * @param perAddress   defence per address (IPv4 as int)
 * @param removeOnConflict on a lost address (probe conflict, yielding) ask the backend to delete it
 *                     from the kernel ({@link Action.RemoveAddress}); otherwise conflicts are only
 *                     reported
 * @param ignoreMismatchedProbes ignore a probe whose link-layer source differs from its ARP sender
 *                     hardware address (seen from some proxies and bridges that rewrite frames), rather
 *                     than count it as a conflict
 * @param timings      the RFC's constants
 */
public record ConflictPolicy(boolean probe, boolean announce, Defense defense, Map<Integer, Defense> perAddress,
                             boolean removeOnConflict, boolean ignoreMismatchedProbes, ConflictTimings timings) {
    public ConflictPolicy {
        Objects.requireNonNull(defense, "defense");
        Objects.requireNonNull(timings, "timings");
        perAddress = Map.copyOf(perAddress);
    }

    /** Reports conflicts; probes, announces, defends and changes nothing. */
    public static ConflictPolicy reportOnly() {
        return new ConflictPolicy(false, false, Defense.REPORT, Map.of(), false, false, ConflictTimings.rfc5227());
    }

    /** Probe, announce, defend once then yield, and remove a lost address: RFC 5227 in full. */
    public static ConflictPolicy rfc5227() {
        return new ConflictPolicy(true, true, Defense.ONCE_THEN_YIELD, Map.of(), true, false, ConflictTimings.rfc5227());
    }

    public Defense defenseFor(int address) {
        Defense d = perAddress.get(address);
        return d != null ? d : defense;
    }

    public ConflictPolicy withProbe(boolean on) {
        return new ConflictPolicy(on, announce, defense, perAddress, removeOnConflict, ignoreMismatchedProbes, timings);
    }

    public ConflictPolicy withAnnounce(boolean on) {
        return new ConflictPolicy(probe, on, defense, perAddress, removeOnConflict, ignoreMismatchedProbes, timings);
    }

    public ConflictPolicy withDefense(Defense d) {
        return new ConflictPolicy(probe, announce, d, perAddress, removeOnConflict, ignoreMismatchedProbes, timings);
    }

    public ConflictPolicy withDefense(int address, Defense d) {
        java.util.HashMap<Integer, Defense> m = new java.util.HashMap<>(perAddress);
        m.put(address, d);
        return new ConflictPolicy(probe, announce, defense, m, removeOnConflict, ignoreMismatchedProbes, timings);
    }

    public ConflictPolicy withRemoveOnConflict(boolean on) {
        return new ConflictPolicy(probe, announce, defense, perAddress, on, ignoreMismatchedProbes, timings);
    }

    public ConflictPolicy withIgnoreMismatchedProbes(boolean on) {
        return new ConflictPolicy(probe, announce, defense, perAddress, removeOnConflict, on, timings);
    }

    public ConflictPolicy withTimings(ConflictTimings t) {
        return new ConflictPolicy(probe, announce, defense, perAddress, removeOnConflict, ignoreMismatchedProbes, t);
    }
}
