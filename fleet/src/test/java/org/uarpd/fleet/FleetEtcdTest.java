package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fleet hosts (separate JVMs, each in its own network namespace) against real etcd members in
 * namespaces of their own, all joined by one bridge. Timings are printed for reading, not asserted:
 * the waits only bound how long a test may hang.
 */
@Tag("netns")
class FleetEtcdTest {

    private static final int TTL = 2;
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(TTL + 8);

    private static boolean gained(String l) {
        return l.startsWith("GAINED vip ");
    }

    private static long stamp(String line, int word) {
        return Long.parseLong(line.split(" ")[word]);
    }

    /** The one host that gained the group among {@code hosts}; fails if two did. */
    private static FleetLab.Host soleOwner(List<FleetLab.Host> hosts) {
        FleetLab.Host owner = hosts.getFirst();
        FleetLab.await(TAKEOVER_LIMIT, "some host to gain vip", () -> hosts.stream().anyMatch(h -> h.lines().stream().anyMatch(FleetEtcdTest::gained)));
        List<FleetLab.Host> owners = hosts.stream().filter(h -> h.lines().stream().anyMatch(FleetEtcdTest::gained)).toList();
        assertThat(owners).as("hosts that gained vip").hasSize(1);
        return owners.getFirst();
    }

    private static void assertNoOverlap(FleetLab lab, Map<String, Long> deaths) {
        String overlap = AnswerTimeline.overlap(AnswerTimeline.of("vip", lab.hosts(), deaths));
        assertThat(overlap).as("two hosts answering vip at once").isNull();
    }

    /** etcd with etcd's default timing, hosts that publish vip, and the one that gained it. */
    private record Started(List<String> etcd, List<FleetLab.Host> hosts, FleetLab.Host owner) {}

    private static Started startWithOwner(FleetLab lab, int members, int hosts) throws Exception {
        List<String> etcd = lab.etcd(members, 100, 1000);
        List<FleetLab.Host> started = lab.startHosts(hosts, etcd, "f", TTL, "vip");
        return new Started(etcd, started, soleOwner(started));
    }

    private static Map<FleetLab.Host, Integer> marks(List<FleetLab.Host> hosts) {
        Map<FleetLab.Host, Integer> mark = new HashMap<>();
        for (FleetLab.Host h : hosts) mark.put(h, h.lines().size());
        return mark;
    }

    /** Three lease TTLs after {@code mark}: no host may lose, gain or disconnect, and the owner still answers. */
    private static void assertNothingChanges(List<FleetLab.Host> hosts, Map<FleetLab.Host, Integer> mark, FleetLab.Host owner) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(3L * TTL).toNanos();
        while (System.nanoTime() - end < 0) {
            for (FleetLab.Host h : hosts) {
                List<String> lines = h.lines();
                for (String l : lines.subList(mark.get(h), lines.size())) {
                    if (l.startsWith("LOST ") || l.startsWith("GAINED ") || l.startsWith("CONNECTED false"))
                        throw new AssertionError(h + " logged '" + l + "' after a member was lost; it printed " + lines + "\nstderr:\n" + h.stderr());
                }
            }
            Thread.sleep(10);
        }
        assertThat(owner.ask("health", "HEALTH")).contains("connected=true", "owned=vip");
    }

    /** A member (1-based) that does not lead the cluster, from the members' logs. */
    private static int follower(FleetLab lab) {
        long[] leader = lab.leader();
        assertThat(leader[0]).as("the members' logs name a leader").isBetween(1L, 3L);
        return leader[0] == 1 ? 2 : 1;
    }

    /**
     * {@link #assertNothingChanges} after the loss of a follower: the premise is that the cluster kept its
     * leader, so a failure says whether an election took place meanwhile (a leader lost for an election
     * timeout or more costs every host its lease deadline, by design).
     */
    private static void assertFollowerLossChangesNothing(FleetLab lab, List<FleetLab.Host> hosts, Map<FleetLab.Host, Integer> mark,
            FleetLab.Host owner, long[] leaderBefore) throws Exception {
        try {
            assertNothingChanges(hosts, mark, owner);
        } finally {
            long[] after = lab.leader();
            assertThat(after).as("the cluster kept its leader m%d (term %d) through the loss of a follower", leaderBefore[0], leaderBefore[1])
                    .containsExactly(leaderBefore);
        }
    }

    private static FleetLab.Host anyBut(List<FleetLab.Host> hosts, FleetLab.Host not) {
        return hosts.stream().filter(h -> h != not).findFirst().orElseThrow();
    }

    /** The host's lease in hex, as etcd names it. */
    private static String leaseOf(FleetLab.Host h) throws Exception {
        return Long.toHexString(Long.parseLong(h.ask("health", "HEALTH").replaceAll(".* lease=(\\d+) .*", "$1")));
    }

    private static String key(FleetLab.Host h) {
        return h.name + "#" + h.process.pid();
    }

    @Test
    void oneOwnerAmongThreeAndFailoverOnKillAndStop() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            Started s = startWithOwner(lab, 1, 3);
            List<FleetLab.Host> hosts = s.hosts();
            FleetLab.Host first = s.owner();
            for (FleetLab.Host h : hosts)
                FleetLab.await(Duration.ofSeconds(10), h + " to see the owner", () -> h.ask("health", "HEALTH").contains("vip=" + first.name));
            Map<String, Long> deaths = new HashMap<>();

            long killed = first.kill();
            deaths.put(key(first), killed);
            List<FleetLab.Host> rest = hosts.stream().filter(h -> h != first).toList();
            FleetLab.Host second = soleOwner(rest);
            long takeover = stamp(second.await(FleetEtcdTest::gained, TAKEOVER_LIMIT), 3);
            System.out.printf("fleet: SIGKILL of the owner → %s answers after %.1f ms (TTL %d s)%n", second, (takeover - killed) / 1e6, TTL);
            assertThat(takeover).isGreaterThan(killed);

            // A clean stop hands the group straight to the standby: one transaction rewrites the key, which
            // keeps its create revision, and the standby gains it at the rewrite's revision without a claim.
            FleetLab.Host third = anyBut(rest, second);
            long claimed = stamp(second.await(FleetEtcdTest::gained, TAKEOVER_LIMIT), 2);
            long stopped = second.terminate();
            String handed = third.await(FleetEtcdTest::gained, TAKEOVER_LIMIT);
            long handover = stamp(handed, 3);
            second.process.waitFor();
            System.out.printf("fleet: SIGTERM of the owner → %s answers after %.1f ms%n", third, (handover - stopped) / 1e6);
            second.await(l -> l.startsWith("LOST vip ") && l.contains("host stopping"), Duration.ofSeconds(10));
            second.await(l -> l.startsWith("STOPPED "), Duration.ofSeconds(10));
            assertThat(second.stderr()).contains("vip handed over to " + third.name);
            assertThat(third.ask("health", "HEALTH")).as("%s\n%s", third.lines(), third.stderr()).contains("owned=vip").contains("takeovers=1");
            assertThat(third.ask("owner vip", "OWNER")).isEqualTo("OWNER vip " + third.name + " create=" + claimed + " mod=" + stamp(handed, 2)
                    + " lease=" + leaseOf(third));

            // Without a standby the lease's revoke frees the key, and the next host to come claims it afresh.
            stopped = third.terminate();
            third.process.waitFor();
            assertThat(third.stderr()).doesNotContain("handed over to").contains("revoked");
            FleetLab.Host again = lab.restart(first);
            long fresh = stamp(again.await(FleetEtcdTest::gained, TAKEOVER_LIMIT), 2);
            assertThat(again.ask("owner vip", "OWNER")).startsWith("OWNER vip " + first.name + " create=" + fresh + " mod=" + fresh + " ");
            assertThat(fresh).isGreaterThan(stamp(handed, 2));
            assertNoOverlap(lab, deaths);
        }
    }

    /**
     * {@code uarpctl restart}'s successor: a second process of the owning host keeps the lease alive, the
     * first passes the lease and the group on after falling silent, and the second answers at the same
     * revision; the standby never gains, the first stops without revoking, and the second keeps the group.
     */
    @Test
    void successorCarriesOnUnderThePredecessorsLease() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            Started s = startWithOwner(lab, 1, 2);
            FleetLab.Host owner = s.owner();
            FleetLab.Host other = anyBut(s.hosts(), owner);
            String lease = leaseOf(owner);
            long revision = Long.parseLong(owner.await(FleetEtcdTest::gained, TAKEOVER_LIMIT).split(" ")[2]);

            // No wait for the successor's first keepalive: until it is answered, the predecessor's deadline holds.
            FleetLab.Host next = lab.successor(owner, lease);
            assertThat(next.lines()).noneMatch(FleetEtcdTest::gained);
            String tenure = owner.ask("passon", "TENURE").substring("TENURE ".length());
            assertThat(tenure).matches(lease + " \\d+ vip=" + revision);
            long passed = System.nanoTime();
            next.ask("adopt " + tenure, "ADOPTED");
            String gained = next.await(FleetEtcdTest::gained, TAKEOVER_LIMIT);
            System.out.printf("fleet: a successor answers %.1f ms after the predecessor passed the group on%n", (stamp(gained, 3) - passed) / 1e6);
            assertThat(gained).startsWith("GAINED vip " + revision + " ");

            owner.ask("stop", "STOPPED");
            owner.process.waitFor();
            assertThat(owner.stderr()).contains("stays with this host's successor").doesNotContain("revoked");
            assertThatThrownBy(() -> FleetLab.await(Duration.ofSeconds(2L * TTL), "a change of owner",
                    () -> other.lines().stream().anyMatch(FleetEtcdTest::gained) || !next.ask("health", "HEALTH").contains("owned=vip")))
                    .hasMessageContaining("timed out");
            assertThat(next.ask("owner vip", "OWNER")).startsWith("OWNER vip " + owner.name + " create=" + revision + " mod=" + revision + " lease=" + lease);
            assertNoOverlap(lab, Map.of());
        }
    }

    @Test
    void partitionedOwnerFallsSilentBeforeAnotherTakesOver() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            Started s = startWithOwner(lab, 1, 2);
            FleetLab.Host owner = s.owner();
            FleetLab.Host other = anyBut(s.hosts(), owner);

            int mark = owner.lines().size();
            lab.partition(owner.name, true);
            long silent = stamp(owner.awaitAfter(mark, l -> l.startsWith("SILENT vip "), TAKEOVER_LIMIT), 2);
            String lostLine = owner.awaitAfter(mark, l -> l.startsWith("LOST vip "), TAKEOVER_LIMIT);
            long lost = stamp(lostLine, 2);
            long takeover = stamp(other.await(FleetEtcdTest::gained, TAKEOVER_LIMIT), 3);
            System.out.printf("fleet: partitioned owner silent %.1f ms before %s takes over (listener told %.1f ms before)%n",
                    (takeover - silent) / 1e6, other, (takeover - lost) / 1e6);
            assertThat(silent).as("the partitioned owner stops before the other starts").isLessThan(takeover);
            assertThat(lost).isLessThan(takeover);
            FleetLab.await(Duration.ofSeconds(10), "the partitioned owner to report etcd unreachable",
                    () -> owner.ask("health", "HEALTH").contains("connected=false"));

            lab.partition(owner.name, false);
            FleetLab.await(TAKEOVER_LIMIT, "the old owner to reconnect and see the new one",
                    () -> owner.ask("health", "HEALTH").matches(".*connected=true.*owned= .*vip=" + other.name + ".*"));
            List<String> after = owner.lines().subList(owner.lines().indexOf(lostLine), owner.lines().size());
            assertThat(after).as("the old owner after the partition, then the new one: %s", other.lines()).noneMatch(FleetEtcdTest::gained);
            assertNoOverlap(lab, Map.of());
        }
    }

    @Test
    void directoryEntriesReachEveryHostAndGoWithTheirLease() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            List<String> etcd = lab.etcd(1, 100, 1000);
            FleetLab.Host a = lab.host(1, etcd, "f", TTL);
            FleetLab.Host b = lab.host(2, etcd, "f", TTL);
            a.ask("health", "HEALTH");
            FleetLab.await(Duration.ofSeconds(10), "both hosts to hold a lease", () -> a.ask("health", "HEALTH").contains("connected=true")
                    && b.ask("health", "HEALTH").contains("connected=true"));

            a.ask("publish 192.0.2.100 02:00:00:00:00:64 eth0\nlookup 192.0.2.100", "LOOKUP");
            FleetLab.await(Duration.ofSeconds(10), "b to see a's binding",
                    () -> b.ask("lookup 192.0.2.100", "LOOKUP").equals("LOOKUP 192.0.2.100 02:00:00:00:00:64 h1 eth0"));
            b.ask("publish 2001:db8::7 02:00:00:00:00:07 eth1\nlookup 2001:db8::7", "LOOKUP");
            FleetLab.await(Duration.ofSeconds(10), "a to see b's IPv6 binding",
                    () -> a.ask("lookup 2001:db8::7", "LOOKUP").endsWith("02:00:00:00:00:07 h2 eth1"));
            b.ask("withdraw 2001:db8::7\nhealth", "HEALTH");
            FleetLab.await(Duration.ofSeconds(10), "the withdrawn binding to vanish", () -> a.ask("lookup 2001:db8::7", "LOOKUP").endsWith(" -"));

            long killed = a.kill();
            FleetLab.await(TAKEOVER_LIMIT, "a's binding to expire with its lease", () -> b.ask("lookup 192.0.2.100", "LOOKUP").endsWith(" -"));
            System.out.printf("fleet: a dead host's binding left the directory after %.1f ms%n", (System.nanoTime() - killed) / 1e6);
            assertThat(b.ask("health", "HEALTH")).contains("directory=0");
        }
    }

    @Test
    void threeMemberClusterRidesOutOneLossAndServesTheDirectoryWithoutAny() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            Started s = startWithOwner(lab, 3, 3);
            List<String> etcd = s.etcd();
            List<FleetLab.Host> hosts = s.hosts();
            FleetLab.Host owner = s.owner();
            FleetLab.Host other = anyBut(hosts, owner);
            other.ask("publish 198.51.100.9 02:00:00:00:00:09 eth0\nhealth", "HEALTH");
            for (FleetLab.Host h : hosts)
                FleetLab.await(Duration.ofSeconds(10), h + " to see the binding", () -> h.ask("lookup 198.51.100.9", "LOOKUP").contains(" h"));

            long[] leader = lab.leader();
            int follower = follower(lab);
            Map<FleetLab.Host, Integer> mark = marks(hosts);
            lab.killMember(follower);
            assertFollowerLossChangesNothing(lab, hosts, mark, owner, leader);

            mark = marks(hosts);
            for (int i = 1; i <= 3; i++) if (i != follower) lab.killMember(i);
            for (FleetLab.Host h : hosts) h.awaitAfter(mark.get(h), l -> l.startsWith("CONNECTED false"), TAKEOVER_LIMIT);
            owner.awaitAfter(mark.get(owner), l -> l.startsWith("LOST vip "), TAKEOVER_LIMIT);
            for (FleetLab.Host h : hosts) {
                assertThat(h.ask("lookup 198.51.100.9", "LOOKUP")).isEqualTo("LOOKUP 198.51.100.9 02:00:00:00:00:09 " + other.name + " eth0");
                assertThat(h.ask("health", "HEALTH")).contains("connected=false", "directory=1", "owned= ");
            }
            assertNoOverlap(lab, Map.of());
        }
    }

    /** A member whose machine vanishes sends no reset: the clients must not hang on its connection. */
    @Test
    void threeMemberClusterRidesOutAMemberThatFallsSilent() throws Exception {
        try (FleetLab lab = new FleetLab()) {
            Started s = startWithOwner(lab, 3, 3);
            long[] leader = lab.leader();
            int follower = follower(lab);
            Map<FleetLab.Host, Integer> mark = marks(s.hosts());
            lab.partition("m" + follower, true);
            assertFollowerLossChangesNothing(lab, s.hosts(), mark, s.owner(), leader);
            assertNoOverlap(lab, Map.of());
        }
    }
}
