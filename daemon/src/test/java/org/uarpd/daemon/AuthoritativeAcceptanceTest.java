package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * End to end: {@code uarpd run} authoritative in namespace H (u0 192.0.2.1/24)
 * with a plain Linux kernel as its peer P (p0 192.0.2.2/24); the oracles are the kernels' own neighbour
 * tables, ping, arping, arp-scan and scapy. Needs root and those tools; fails saying what is missing.
 */
@Tag("netns")
class AuthoritativeAcceptanceTest {
    static NamespaceLab lab;
    static String h;
    static String p;
    static Path dir;
    static Path rarpScript;
    static Map<String, String> pristine;

    @BeforeAll
    static void build() throws Exception {
        String tools = LabCommand.missingTools();
        assertThat(tools).as("tools the acceptance tests need").isNull();
        lab = new NamespaceLab();
        h = lab.namespace("h");
        p = lab.namespace("p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        dir = Files.createTempDirectory("uarpd-acceptance");
        Files.writeString(dir.resolve("ethers"), "02:00:5e:00:53:aa 198.51.100.200\n02:00:5e:00:53:ab client-b\n");
        Files.writeString(dir.resolve("hosts"), "198.51.100.201 client-b\n");
        rarpScript = dir.resolve("rarp_request.py");
        try (var in = LabCommand.class.getResourceAsStream("rarp_request.py")) {
            Files.write(rarpScript, in.readAllBytes());
        }
        pristine = LabCommand.knobs(lab, h);
        pristine = renameKnobs(pristine);
    }

    /** The lab's knob list is written for u0, which is our interface too. */
    private static Map<String, String> renameKnobs(Map<String, String> m) {
        return new HashMap<>(m);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    @BeforeEach
    void freshCaches() {
        lab.run(h, "ip", "neigh", "flush", "all");
        lab.run(p, "ip", "neigh", "flush", "all");
    }

    private static UarpdProcess uarpd(String... extra) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--interface", "u0", "--mode", "authoritative"));
        args.addAll(List.of(extra));
        return new UarpdProcess(lab, h, args.toArray(String[]::new));
    }

    @Test
    void peerAndHostPingEachOtherAndTheKernelHoldsWhatUarpdInstalled() throws Exception {
        try (UarpdProcess u = uarpd()) {
            assertThat(lab.run(p, "ping", "-c", "2", "-W", "3", "192.0.2.1").ok()).as("peer pings uarpd host\n" + u.logText()).isTrue();
            // The host kernel learnt nothing from the wire (nft drop): uarpd installed the requester.
            assertThat(lab.ok(h, "ip", "-j", "neigh", "show", "192.0.2.2", "dev", "u0")).contains(lab.mac(p, "p0"));
            lab.ok(h, "ip", "neigh", "flush", "all");
            assertThat(lab.run(h, "ping", "-c", "2", "-W", "3", "192.0.2.2").ok()).as("uarpd host pings peer\n" + u.logText()).isTrue();
            String neigh = lab.ok(h, "ip", "-j", "neigh", "show", "192.0.2.2", "dev", "u0");
            assertThat(neigh).contains("\"lladdr\":\"" + lab.mac(p, "p0") + "\"").containsAnyOf("REACHABLE", "STALE", "DELAY");
            assertThat(u.count(l -> l.contains("kernel miss 192.0.2.2"))).isPositive();
            assertThat(u.count(l -> l.contains("installed 192.0.2.2 at " + lab.mac(p, "p0")))).isPositive();
            // The peer learnt the host's real address from uarpd's answers.
            assertThat(lab.ok(p, "ip", "-j", "neigh", "show", "192.0.2.1")).contains(lab.mac(h, "u0"));
        }
    }

    @Test
    void addressesAreFollowedLive() throws Exception {
        try (UarpdProcess u = uarpd()) {
            // Only uarpd can answer on u0 (nft drop, arp_ignore 8): an answer proves it learnt the address.
            lab.ok(h, "ip", "addr", "add", "192.0.2.10/24", "dev", "u0");
            try {
                assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.10").ok()).as(u.logText()).isTrue();
            } finally {
                lab.ok(h, "ip", "addr", "del", "192.0.2.10/24", "dev", "u0");
            }
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "2", "-I", "p0", "192.0.2.10").ok()).as("removed address unanswered").isFalse();
            assertThat(u.log).anyMatch(l -> l.contains("address 192.0.2.10/24 on u0"))
                    .anyMatch(l -> l.contains("address 192.0.2.10/24 removed from u0"));
        }
    }

    @Test
    void anInterfaceThatGoesAndComesBackIsTakenBackWithoutARestart() throws Exception {
        try (UarpdProcess u = uarpd()) {
            lab.ok(h, "ip", "link", "del", "u0"); // takes p0 with it
            try {
                awaitLog(u, "link u0 removed");
                assertThat(u.process.isAlive()).as(u.logText()).isTrue();
            } finally {
                lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            }
            awaitLog(u, "link u0 is back");
            assertThat(LabCommand.knobs(lab, h)).containsEntry("net.ipv4.conf.u0.arp_ignore", "8");
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).as(u.logText()).isTrue();
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
        }
        assertThat(LabCommand.knobs(lab, h)).isEqualTo(pristine);
    }

    private static void awaitLog(UarpdProcess u, String text) throws InterruptedException {
        Await.within(5, () -> u.count(l -> l.contains(text)) > 0);
        assertThat(u.log).as(u.logText()).anyMatch(l -> l.contains(text));
    }

    @Test
    void assistModeLeavesTheKernelItsArpAndAddsPublishedEntries() throws Exception {
        Map<String, String> before = LabCommand.knobs(lab, h);
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "assist", "--publish", "198.51.100.0/29")) {
            assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
            Map<String, String> expected = new HashMap<>(before);
            expected.put("net.ipv4.neigh.u0.app_solicit", "1");
            expected.put("net.ipv6.neigh.u0.app_solicit", "1"); // assist takes IPv6's misses too
            assertThat(LabCommand.knobs(lab, h)).as("assist sets app_solicit=1 for both families and nothing else").isEqualTo(expected);
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).isTrue();
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).isTrue();
            // the kernel asks uarpd first (serving from uarpd's cache is covered by the engine's
            // AnsweringTest): an address nobody has seen is resolved by uarpd's own broadcast, sent at once
            lab.ok(p, "ip", "addr", "add", "192.0.2.3/24", "dev", "p0");
            try {
                assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.3").ok()).isTrue();
                awaitLog(u, "sent ARP request who-has 192.0.2.3");
                assertThat(lab.ok(h, "ip", "neigh", "show", "192.0.2.3", "dev", "u0")).contains("REACHABLE");
            } finally {
                lab.run(p, "ip", "addr", "del", "192.0.2.3/24", "dev", "p0");
            }
            assertPublishedAnswered(u);
            assertThat(u.terminate()).isZero();
        }
        assertThat(LabCommand.knobs(lab, h)).isEqualTo(before);
    }

    @Test
    void answerModeTakesNoMissAndStillAnswersPublishedEntries() throws Exception {
        Map<String, String> before = LabCommand.knobs(lab, h);
        lab.ok(h, "sysctl", "-qw", "net.ipv4.neigh.u0.app_solicit=2"); // uarpd must set it to 0, not leave it
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "answer", "--publish", "198.51.100.0/29")) {
            assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
            Map<String, String> expected = new HashMap<>(before);
            expected.put("net.ipv4.neigh.u0.app_solicit", "0");
            assertThat(LabCommand.knobs(lab, h)).as("answer sets app_solicit=0 and nothing else").isEqualTo(expected);
            assertThat(neighbourGroupMembers()).as("no socket of the namespace joins RTNLGRP_NEIGH").isZero();
            // the kernel resolves alone: uarpd sends no request of its own
            lab.ok(p, "ip", "addr", "add", "192.0.2.3/24", "dev", "p0");
            try {
                assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.3").ok()).isTrue();
                assertThat(lab.ok(h, "ip", "neigh", "show", "192.0.2.3", "dev", "u0")).contains("REACHABLE");
            } finally {
                lab.run(p, "ip", "addr", "del", "192.0.2.3/24", "dev", "p0");
            }
            assertPublishedAnswered(u);
            assertThat(u.log).as(u.logText()).noneMatch(l -> l.contains("sent ARP request who-has 192.0.2.3"));
            assertThat(u.terminate()).isZero();
        }
        Map<String, String> restored = new HashMap<>(before);
        restored.put("net.ipv4.neigh.u0.app_solicit", "2");
        assertThat(LabCommand.knobs(lab, h)).isEqualTo(restored);
        lab.ok(h, "sysctl", "-qw", "net.ipv4.neigh.u0.app_solicit=" + before.get("net.ipv4.neigh.u0.app_solicit"));
    }

    /** 198.51.100.3 (published) is answered for the peer with the host's hardware address. */
    private void assertPublishedAnswered(UarpdProcess u) throws Exception {
        NamespaceLab.Result arping = lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "198.51.100.3");
        assertThat(arping.ok()).as(arping.out() + u.logText()).isTrue();
        assertThat(arping.out().toLowerCase()).contains(lab.mac(h, "u0"));
    }

    /** NETLINK_ROUTE sockets of the host namespace in RTNLGRP_NEIGH (group 3: bit 2 of /proc/net/netlink's Groups). */
    private long neighbourGroupMembers() throws Exception {
        return lab.ok(h, "cat", "/proc/net/netlink").lines().skip(1).map(l -> l.strip().split("\\s+"))
                .filter(f -> f[1].equals("0") && (Long.parseLong(f[3], 16) & 0x4) != 0).count();
    }

    @Test
    void realtimeLoopRunsUnderSchedFifo() throws Exception {
        try (UarpdProcess u = uarpd("--realtime", "10", "--warm-up", "0")) {
            // Exactly one thread of the JVM (the loop) is FF (SCHED_FIFO) at priority 10.
            List<String> threads = lab.ok(null, "ps", "-L", "-o", "cls=,rtprio=", "-p", Long.toString(u.process.pid()))
                    .lines().map(t -> String.join(" ", t.strip().split("\\s+"))).toList();
            assertThat(threads.stream().filter(t -> t.startsWith("FF")).toList()).containsExactly("FF 10");
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).isTrue();
        }
    }

    @Test
    void aStaleEntryInUseIsReconfirmedThroughTheKernelsProbeRequest() throws Exception {
        // Short timers so the kernel walks REACHABLE → STALE → DELAY → PROBE within a few seconds.
        List<String> fast = List.of("net.ipv4.neigh.u0.base_reachable_time_ms=500", "net.ipv4.neigh.u0.delay_first_probe_time=1");
        Map<String, String> old = new HashMap<>();
        for (String k : fast) {
            String key = k.substring(0, k.indexOf('='));
            old.put(key, lab.ok(h, "sysctl", "-n", key).strip());
            lab.ok(h, "sysctl", "-qw", k);
        }
        try (UarpdProcess u = uarpd()) {
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).isTrue();
            // REACHABLE lasts 0.25–0.75 s here: wait until it is no longer (STALE, or DELAY if a packet went out meanwhile).
            assertThat(Await.within(5, () -> !lab.ok(h, "ip", "neigh", "show", "192.0.2.2", "dev", "u0").contains("REACHABLE")))
                    .as(lab.ok(h, "ip", "neigh", "show", "192.0.2.2")).isTrue();
            // Traffic on the STALE entry: DELAY for 1 s, then PROBE, which asks uarpd (app_solicit).
            assertThat(lab.run(h, "ping", "-c", "4", "-i", "0.5", "-W", "3", "192.0.2.2").ok()).isTrue();
            assertThat(u.log).as(u.logText()).anyMatch(l -> l.contains("kernel miss 192.0.2.2 on u0 (PROBE"));
            assertThat(u.count(l -> l.contains("installed 192.0.2.2 at " + lab.mac(p, "p0") + " on u0 (REACHABLE)")))
                    .as("re-confirmed and installed REACHABLE again\n" + u.logText()).isGreaterThanOrEqualTo(2);
            assertThat(u.log).noneMatch(l -> l.contains("kernel neighbour 192.0.2.2 on u0 FAILED"));
        } finally {
            for (Map.Entry<String, String> e : old.entrySet()) lab.ok(h, "sysctl", "-qw", e.getKey() + "=" + e.getValue());
        }
    }

    @Test
    void twoInterfacesAreServedByOneLoop() throws Exception {
        String q = lab.namespace("q");
        lab.veth(h, "u1", "198.51.100.1/24", q, "q0", "198.51.100.2/24");
        try {
            try (UarpdProcess u = uarpd("--interface", "u1")) {
                assertThat(lab.ok(h, "nft", "list", "ruleset")).contains("iif \"u0\" drop").contains("iif \"u1\" drop");
                assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
                assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "198.51.100.2").ok()).as(u.logText()).isTrue();
                assertThat(lab.run(q, "ping", "-c", "1", "-W", "3", "198.51.100.1").ok()).as(u.logText()).isTrue();
                assertThat(lab.ok(h, "ip", "-j", "neigh", "show", "dev", "u1")).contains(lab.mac(q, "q0"));
            }
            assertThat(lab.ok(h, "sysctl", "-n", "net.ipv4.conf.u1.arp_ignore").strip()).isEqualTo("0");
        } finally {
            lab.run(h, "ip", "link", "del", "u1");
        }
    }

    @Test
    void aBurstSentBeforeResolutionArrivesInFull() throws Exception {
        try (UarpdProcess u = uarpd()) {
            // 40 echo requests leave at once (-l preload) while 192.0.2.2 is unresolved: the kernel holds
            // them (unres_qlen_bytes allows far more), and uarpd's install releases them all.
            NamespaceLab.Result r = lab.run(h, "ping", "-n", "-l", "40", "-c", "40", "-W", "3", "192.0.2.2");
            assertThat(r.out()).as(r.out() + u.logText()).contains("40 packets transmitted, 40 received");
        }
    }

    @Test
    void arpScanOfPublishedRangeIsAnsweredOnceEachWithTheConfiguredMacExceptExclusions() throws Exception {
        String mac = "02:00:5e:00:53:01";
        try (UarpdProcess u = uarpd("--publish", "198.51.100.0/24,!198.51.100.7,!198.51.100.128/28", "--publish-mac", mac)) {
            NamespaceLab.Result scan = lab.run(p, "arp-scan", "-I", "p0", "-q", "-x", "-r", "1", "-F", "${ip} ${mac}", "198.51.100.0/24");
            assertThat(scan.ok()).as(scan.err()).isTrue();
            Map<String, Integer> answers = new HashMap<>();
            for (String line : scan.out().lines().filter(l -> !l.isBlank()).toList()) {
                String[] f = line.split(" ");
                assertThat(f[1]).as(line).isEqualTo(mac);
                answers.merge(f[0], 1, Integer::sum);
            }
            for (int i = 0; i < 256; i++) {
                String ip = "198.51.100." + i;
                boolean excluded = i == 7 || (i >= 128 && i < 144);
                if (excluded) assertThat(answers).as(ip + " is excluded").doesNotContainKey(ip);
                else assertThat(answers.get(ip)).as(ip + " answered exactly once").isEqualTo(1);
            }
        }
    }

    @Test
    void rarpRequestIsAnsweredFromEthersAndAnUnknownAddressIsNot() throws Exception {
        try (UarpdProcess u = uarpd("--ethers", dir.resolve("ethers").toString(), "--hosts", dir.resolve("hosts").toString())) {
            String known = lab.ok(p, "/usr/bin/python3", rarpScript.toString(), "p0", "02:00:5e:00:53:aa", "2");
            assertThat(known).as(u.logText()).contains("answered 02:00:5e:00:53:aa is 198.51.100.200");
            String named = lab.ok(p, "/usr/bin/python3", rarpScript.toString(), "p0", "02:00:5e:00:53:ab", "2");
            assertThat(named).contains("answered 02:00:5e:00:53:ab is 198.51.100.201");
            String unknown = lab.ok(p, "/usr/bin/python3", rarpScript.toString(), "p0", "02:00:5e:00:53:ff", "1.5");
            assertThat(unknown).contains("unanswered 02:00:5e:00:53:ff");
        }
    }

    @Test
    void unresolvableAddressGivesHostUnreachableAndTheNegativeCacheSuppressesRepeats() throws Exception {
        try (UarpdProcess u = uarpd()) {
            NamespaceLab.Result first = lab.run(h, "ping", "-n", "-c", "1", "-W", "8", "192.0.2.99");
            assertThat(first.ok()).isFalse();
            assertThat(first.out()).as(first.out() + u.logText()).contains("Destination Host Unreachable");
            long requests = u.count(l -> l.contains("sent ARP request who-has 192.0.2.99"));
            assertThat(requests).as("uarpd asked the wire").isPositive();
            NamespaceLab.Result again = lab.run(h, "ping", "-n", "-c", "1", "-W", "3", "192.0.2.99");
            assertThat(again.ok()).isFalse();
            assertThat(u.count(l -> l.contains("sent ARP request who-has 192.0.2.99")))
                    .as("no new requests while the negative cache holds\n" + u.logText()).isEqualTo(requests);
        }
    }

    @Test
    void aSecondUarpdOnTheSameNamespaceRefusesWithoutDisturbingTheFirst() throws Exception {
        try (UarpdProcess first = uarpd()) {
            Map<String, String> during = LabCommand.knobs(lab, h);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", h));
            cmd.addAll(SelfLauncher.command("run", "--interface", "u0", "--warm-up", "0"));
            NamespaceLab.Result second = NamespaceLab.run(cmd);
            assertThat(second.exitCode()).isEqualTo(1);
            // Refused by the interface's lock, before the nftables table is even tried.
            assertThat(second.err()).contains("u0 is already served by another uarpd (pid " + first.process.pid() + ")");
            assertThat(LabCommand.knobs(lab, h)).isEqualTo(during);
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).as(first.logText()).isTrue();
        }
    }

    @Test
    void aRestartPicksUpAResolutionThatWasPendingFromTheKernelsTable() throws Exception {
        // As if uarpd had died mid-resolution: the kernel asks the application and no one answers yet.
        // Six app probes, one a second: the kernel keeps the entry (and the ping) waiting long enough
        // for a JVM to start on a loaded machine.
        List<String> knobs = List.of("net.ipv4.neigh.u0.app_solicit=6", "net.ipv4.neigh.u0.ucast_solicit=0",
                "net.ipv4.neigh.u0.mcast_solicit=0");
        for (String k : knobs) lab.ok(h, "sysctl", "-qw", k);
        try {
            Process ping = lab.start(h, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, "ping", "-c", "1", "-W", "9", "192.0.2.2");
            Await.within(2, () -> lab.ok(h, "ip", "neigh", "show", "192.0.2.2").contains("INCOMPLETE"));
            assertThat(lab.ok(h, "ip", "neigh", "show", "192.0.2.2")).contains("INCOMPLETE");
            try (UarpdProcess u = uarpd("--warm-up", "0")) {
                assertThat(ping.waitFor(12, TimeUnit.SECONDS)).isTrue();
                assertThat(ping.exitValue()).as("the held ping got through\n" + u.logText()).isZero();
                assertThat(u.log).anyMatch(l -> l.contains("pending resolution 192.0.2.2 on u0"));
            }
        } finally {
            for (Map.Entry<String, String> e : pristine.entrySet()) lab.ok(h, "sysctl", "-qw", e.getKey() + "=" + e.getValue());
        }
    }

    @Test
    void sigtermPutsEverySysctlAndRuleBack() throws Exception {
        Map<String, String> before = LabCommand.knobs(lab, h);
        assertThat(before).isEqualTo(pristine);
        UarpdProcess u = uarpd();
        Map<String, String> during = LabCommand.knobs(lab, h);
        assertThat(during).isNotEqualTo(before).containsEntry("net.ipv4.conf.u0.arp_ignore", "8");
        assertThat(lab.ok(h, "nft", "list", "ruleset")).contains("table arp uarpd");
        assertThat(u.terminate()).isZero();
        assertThat(LabCommand.knobs(lab, h)).isEqualTo(before);
        assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
        assertThat(u.log).as(u.logText()).anyMatch(l -> l.contains("restored every kernel setting uarpd changed"));
    }

    @Test
    void afterSigkillDuringTrafficTheHostResolvesAgainWithin5Seconds() throws Exception {
        UarpdProcess u = uarpd();
        Process traffic = lab.start(p, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, "ping", "-i", "0.05", "-c", "100", "192.0.2.1");
        assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).isTrue();
        u.kill();
        assertThat(u.process.isAlive()).isFalse();
        lab.ok(h, "ip", "neigh", "flush", "all");
        // ping's own deadline bounds the wait: one reply within 5 s, with no uarpd running.
        NamespaceLab.Result r = lab.run(h, "ping", "-n", "-c", "1", "-w", "5", "192.0.2.2");
        assertThat(r.ok()).as("resolution after SIGKILL: " + r.out()).isTrue();
        traffic.waitFor(10, TimeUnit.SECONDS);
        // And the crash restorer has put the sysctls back, the kernel has dropped the owned table.
        assertThat(LabCommand.knobs(lab, h)).isEqualTo(pristine);
        assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
        String left = lab.ok(null, "ip", "netns", "pids", h).strip();
        assertThat(left).as("processes left in the namespace: " + (left.isEmpty() ? "" : lab.run(null, "ps", "-o", "pid,ppid,stat,cmd", "-p", left.replace('\n', ',')).out())).isEmpty();
    }
}
