package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * IPv6 neighbour discovery end to end: {@code uarpd run} authoritative in namespace H (u0
 * 2001:db8:1::1/64) with a plain Linux kernel as its peer P (p0 2001:db8:1::2/64). In authoritative
 * mode the host's kernel neither sends nor hears NS/NA on u0, so every resolution that works here is
 * uarpd's. Oracles: the kernels' neighbour and address tables, ping, ndisc6 and scapy. Addresses are
 * given without DAD (nodad) where a test is not about DAD, so nothing waits for it.
 */
@Tag("netns")
class NdAcceptanceTest {
    static NamespaceLab lab;
    static String h;
    static String p;
    static final String HOST = "2001:db8:1::1";
    static final String PEER = "2001:db8:1::2";

    @BeforeAll
    static void build() {
        String tools = LabCommand.missingTools();
        assertThat(tools).as("tools the acceptance tests need").isNull();
        assertThat(NamespaceLab.run(List.of("sh", "-c", "command -v ndisc6")).exitCode()).as("ndisc6 is needed: apt-get install ndisc6").isZero();
        lab = new NamespaceLab();
        h = lab.namespace("h");
        p = lab.namespace("p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        lab.ok(h, "ip", "-6", "addr", "add", HOST + "/64", "dev", "u0", "nodad");
        lab.ok(p, "ip", "-6", "addr", "add", PEER + "/64", "dev", "p0", "nodad");
        // The peer's kernel confirms a STALE entry after 1 s instead of 5 (its unicast probe test waits less).
        lab.ok(p, "sysctl", "-q", "-w", "net.ipv6.neigh.p0.delay_first_probe_time=1");
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
        }
    }

    @BeforeEach
    void freshCaches() {
        lab.run(h, "ip", "-6", "neigh", "flush", "all");
        lab.run(p, "ip", "-6", "neigh", "flush", "all");
    }

    private static UarpdProcess uarpd(String... extra) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--interface", "u0", "--mode", "authoritative"));
        args.addAll(List.of(extra));
        return new UarpdProcess(lab, h, args.toArray(String[]::new));
    }

    private static boolean ping(String ns, String address) {
        return lab.run(ns, "ping", "-6", "-c", "1", "-W", "3", address).ok();
    }

    private static Map<String, String> ipv6Knobs() {
        return Map.of(
                "app_solicit", lab.ok(h, "sysctl", "-n", "net.ipv6.neigh.u0.app_solicit").strip(),
                "ucast_solicit", lab.ok(h, "sysctl", "-n", "net.ipv6.neigh.u0.ucast_solicit").strip(),
                "mcast_solicit", lab.ok(h, "sysctl", "-n", "net.ipv6.neigh.u0.mcast_solicit").strip(),
                "mcast_resolicit", lab.ok(h, "sysctl", "-n", "net.ipv6.neigh.u0.mcast_resolicit").strip());
    }

    @Test
    void peerAndHostPing6EachOtherFromFlushedCachesAndEverySettingComesBack() throws Exception {
        Map<String, String> before = ipv6Knobs();
        try (UarpdProcess u = uarpd()) {
            assertThat(ipv6Knobs()).as("authoritative: the kernel asks uarpd and solicits nothing itself")
                    .containsEntry("mcast_solicit", "0").containsEntry("ucast_solicit", "0").containsEntry("app_solicit", "3");
            assertThat(lab.ok(h, "nft", "list", "table", "inet", "uarpd")).contains("icmpv6");
            assertThat(ping(p, HOST)).as("peer pings the uarpd host\n" + u.logText()).isTrue();
            assertThat(lab.ok(p, "ip", "-6", "neigh", "show", HOST)).as("the peer learnt uarpd's answer").contains(lab.mac(h, "u0"));
            lab.ok(h, "ip", "-6", "neigh", "flush", "all");
            assertThat(ping(h, PEER)).as("the uarpd host pings the peer\n" + u.logText()).isTrue();
            assertThat(lab.ok(h, "ip", "-6", "neigh", "show", PEER, "dev", "u0")).contains(lab.mac(p, "p0"));
            assertThat(u.count(l -> l.contains("kernel miss " + PEER))).as(u.logText()).isPositive();
            assertThat(u.count(l -> l.contains("installed " + PEER + " at " + lab.mac(p, "p0")))).as(u.logText()).isPositive();
            assertThat(u.terminate()).isZero();
        }
        assertThat(ipv6Knobs()).isEqualTo(before);
        assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("uarpd");
    }

    @Test
    void theHostsOwnAddressStaysAnsweredAcrossTheTakeoverAndBack() throws Exception {
        // A peer solicits the host's address every 10 ms: first the kernel answers, then uarpd once it
        // has taken ND over (the kernel's NS/NA dropped by nftables), then the kernel again after uarpd
        // hands the link back. Neither switch may leave the address unanswered for over 50 ms.
        long started;
        long ready;
        long stopped;
        List<Double> replies;
        String sent;
        try (ArpProber prober = new ArpProber(lab, p, "p0", PEER, HOST)) {
            prober.awaitReplies(HOST, 20);
            started = System.nanoTime();
            try (UarpdProcess u = uarpd()) { // warmed up before it takes the link over, as by default
                ready = System.nanoTime();
                assertThat(lab.ok(h, "nft", "list", "table", "inet", "uarpd")).as("taken over").contains("icmpv6");
                prober.awaitMoreReplies(HOST, 30);
                stopped = System.nanoTime();
                assertThat(u.terminate()).as(u.logText()).isZero();
            }
            prober.awaitMoreReplies(HOST, 30);
            sent = prober.finish();
            replies = prober.replies(HOST);
            String timeline = String.format("uarpd started %.1f ms, ready %.1f, stopped %.1f; prober %s", prober.millis(started),
                    prober.millis(ready), prober.millis(stopped), sent);
            double[] takeover = ArpProber.longestSilence(replies, prober.millis(started), prober.millis(stopped));
            double[] handBack = ArpProber.longestSilence(replies, prober.millis(stopped), replies.getLast());
            String summary = String.format("%s unanswered at most %.1f ms across the takeover (from %.1f ms) and %.1f ms across the hand-back"
                    + " (from %.1f ms); %s", HOST, takeover[0], takeover[1], handBack[0], handBack[1], timeline);
            System.out.println(summary);
            assertThat(takeover[0]).as(summary).isLessThanOrEqualTo(50);
            assertThat(handBack[0]).as(summary).isLessThanOrEqualTo(50);
        }
    }

    @Test
    void aUnicastSolicitationIsAnswered() throws Exception {
        try (UarpdProcess u = uarpd()) {
            // A STALE entry on the peer: its next packet makes the kernel confirm it by unicast NS
            // (RFC 4861 §7.3.3), which only a solicited NA from uarpd turns REACHABLE.
            lab.ok(p, "ip", "-6", "neigh", "replace", HOST, "lladdr", lab.mac(h, "u0"), "dev", "p0", "nud", "stale");
            lab.run(p, "ping", "-6", "-c", "3", "-i", "0.5", "-W", "1", HOST);
            assertThat(Await.within(5, () -> lab.ok(p, "ip", "-6", "neigh", "show", HOST, "dev", "p0").contains("REACHABLE")))
                    .as(lab.ok(p, "ip", "-6", "neigh", "show") + "\n" + u.logText()).isTrue();
        }
    }

    @Test
    void aPeersDuplicateAddressDetectionForOurAddressFailsOnThePeersKernel() throws Exception {
        try (UarpdProcess u = uarpd()) {
            // uarpd first holds the host's addresses (the global one and the link-local one: valid at
            // start, so at once); a probe of the peer's that met a probe of ours would be a tie
            // (RFC 4862 §5.4.3), not a defence.
            assertThat(Await.within(5, () -> u.count(l -> l.contains("(claimed)")) >= 2)).as(u.logText()).isTrue();
            lab.ok(p, "ip", "-6", "addr", "add", HOST + "/64", "dev", "p0"); // with DAD
            try {
                assertThat(Await.within(5, () -> lab.ok(p, "ip", "-6", "addr", "show", "dev", "p0").contains("dadfailed")))
                        .as(lab.ok(p, "ip", "-6", "addr", "show", "dev", "p0") + "\n" + u.logText()).isTrue();
            } finally {
                lab.run(p, "ip", "-6", "addr", "del", HOST + "/64", "dev", "p0");
            }
        }
    }

    @Test
    void aPeerClaimingOurAddressByAnUnsolicitedAdvertisementIsReported() throws Exception {
        try (UarpdProcess u = uarpd()) {
            String mac = lab.mac(p, "p0");
            lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, sendp\n"
                    + "sendp(Ether(dst='33:33:00:00:00:01', src='" + mac + "')/IPv6(src='" + PEER + "', dst='ff02::1', hlim=255)"
                    + "/ICMPv6ND_NA(tgt='" + HOST + "', R=0, S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr='" + mac + "'), iface='p0', verbose=0)");
            assertThat(Await.within(5, () -> u.count(l -> l.contains("warning") && l.contains(HOST) && l.contains(mac)) > 0))
                    .as(u.logText()).isTrue();
        }
    }

    @Test
    void afterSigkillTheHostResolvesIpv6ByItselfWithinFiveSeconds() throws Exception {
        Map<String, String> before = ipv6Knobs();
        UarpdProcess u = uarpd();
        try {
            assertThat(ping(h, PEER)).as(u.logText()).isTrue();
            long killed = System.nanoTime();
            u.kill();
            lab.ok(h, "ip", "-6", "neigh", "flush", "all");
            lab.ok(p, "ip", "-6", "neigh", "flush", "all");
            // Short pings, and the time taken from the kill itself: a slow last try cannot stretch the 5 s.
            boolean alone = Await.within(5, () -> lab.run(h, "ping", "-6", "-c", "1", "-W", "1", PEER).ok()
                    && lab.run(p, "ping", "-6", "-c", "1", "-W", "1", HOST).ok());
            long tookMillis = (System.nanoTime() - killed) / 1_000_000;
            assertThat(alone).as("the kernel resolves alone again: " + ipv6Knobs() + "\n" + lab.ok(h, "nft", "list", "ruleset")).isTrue();
            assertThat(tookMillis).as("from SIGKILL to both resolutions by the kernel alone, ms").isLessThanOrEqualTo(5_000);
            assertThat(ipv6Knobs()).isEqualTo(before);
        } finally {
            if (u.process.isAlive()) u.kill();
        }
    }

    @Test
    void inAssistModeTheIpv6SettingsComeBackAfterSigtermAndAfterSigkill() throws Exception {
        Map<String, String> before = ipv6Knobs();
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "assist")) {
            assertThat(ipv6Knobs()).as("assist: the kernel asks uarpd first\n" + u.logText()).containsEntry("app_solicit", "1");
            assertThat(u.terminate()).isZero();
        }
        assertThat(ipv6Knobs()).as("after SIGTERM").isEqualTo(before);
        UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "assist");
        try {
            assertThat(ipv6Knobs()).as(u.logText()).containsEntry("app_solicit", "1");
            u.kill();
            assertThat(Await.within(5, () -> ipv6Knobs().equals(before))).as("after SIGKILL: " + ipv6Knobs()).isTrue();
        } finally {
            if (u.process.isAlive()) u.kill();
        }
    }

    @Test
    void aPublishedPrefixIsAnsweredToNdisc6AndItsExclusionIsNot() throws Exception {
        try (UarpdProcess u = uarpd("--publish", "2001:db8:2::/64,!2001:db8:2::9")) {
            lab.ok(p, "ip", "-6", "route", "add", "2001:db8:2::/64", "dev", "p0");
            try {
                String mac = lab.mac(h, "u0");
                for (String target : List.of("2001:db8:2::1", "2001:db8:2::abcd", "2001:db8:2:0:ffff:ffff:ffff:fffe")) {
                    NamespaceLab.Result r = lab.run(p, "ndisc6", "-1", "-r", "3", "-w", "1000", target, "p0");
                    assertThat(r.ok()).as(target + ": " + r.out() + r.err() + "\n" + u.logText()).isTrue();
                    assertThat(r.out().toLowerCase()).contains(mac);
                }
                NamespaceLab.Result excluded = lab.run(p, "ndisc6", "-1", "-r", "1", "-w", "1000", "2001:db8:2::9", "p0");
                assertThat(excluded.ok()).as("the exclusion is not answered: " + excluded.out()).isFalse();
                NamespaceLab.Result outside = lab.run(p, "ndisc6", "-1", "-r", "1", "-w", "1000", "2001:db8:3::1", "p0");
                assertThat(outside.ok()).as("outside the prefix: " + outside.out()).isFalse();
            } finally {
                lab.run(p, "ip", "-6", "route", "del", "2001:db8:2::/64", "dev", "p0");
            }
        }
    }

    @Test
    void aMistakeInAnIpv6PublishIsRefusedBeforeAnythingChanges() {
        NamespaceLab.Result r = lab.run(h, SelfLauncher.command("run", "--interface", "u0", "--publish", "2001:db8:2::/64,!2001:db8:3::1")
                .toArray(String[]::new));
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--publish 2001:db8:2::/64,!2001:db8:3::1: '2001:db8:3::1' is outside the prefix 2001:db8:2::/64");
    }

    @Test
    void uarpctlProbesAnIpv6NeighbourAndShowNeighListsBothFamilies() throws Exception {
        java.nio.file.Path sock = java.nio.file.Path.of("/tmp/uarpd-nd-" + ProcessHandle.current().pid() + ".sock");
        try (UarpdProcess u = uarpd("--control-socket", sock.toString())) {
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
            // A solicitation needs a source address of the host's: one uarpd holds (valid at start, or past its DAD).
            assertThat(Await.within(5, () -> u.count(l -> l.contains("(claimed)")) >= 2)).as(u.logText()).isTrue();
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "-s", sock.toString(), "probe", PEER);
            assertThat(exit).as(out + "" + err + u.logText()).isZero();
            assertThat(out.toString()).contains(PEER).contains("resolved").contains(lab.mac(p, "p0"));
            out.getBuffer().setLength(0);
            exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "-s", sock.toString(), "show", "neigh");
            assertThat(exit).as(err.toString()).isZero();
            assertThat(out.toString().lines()).anyMatch(l -> l.contains("192.0.2.2") && l.contains(lab.mac(p, "p0")))
                    .anyMatch(l -> l.contains(PEER) && l.contains(lab.mac(p, "p0")));
            out.getBuffer().setLength(0);
            exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "-s", sock.toString(), "probe", "2001:db8:1::77");
            assertThat(exit).as("nobody holds it: " + out).isEqualTo(1);
            assertThat(out.toString()).contains("2001:db8:1::77").contains("failed");
        }
    }

    @Test
    void uarpctlPublishesAnIpv6PrefixAnsweredToNdisc6UntilItIsUnpublished() throws Exception {
        java.nio.file.Path sock = java.nio.file.Path.of("/tmp/uarpd-nd-pub-" + ProcessHandle.current().pid() + ".sock");
        try (UarpdProcess u = uarpd("--control-socket", sock.toString())) {
            lab.ok(p, "ip", "-6", "route", "add", "2001:db8:4::/64", "dev", "p0");
            try {
                String[] publish = {"-s", sock.toString(), "publish", "2001:db8:4::/64", "-x", "2001:db8:4::9"};
                java.io.StringWriter out = new java.io.StringWriter();
                java.io.StringWriter err = new java.io.StringWriter();
                int exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), publish);
                assertThat(exit).as(out + "" + err).isZero();
                assertThat(out.toString()).contains("published 2001:db8:4::/64 !2001:db8:4::9 dev *");
                assertThat(lab.run(p, "ndisc6", "-1", "-r", "3", "-w", "1000", "2001:db8:4::5", "p0").out().toLowerCase())
                        .as(u.logText()).contains(lab.mac(h, "u0"));
                assertThat(lab.run(p, "ndisc6", "-1", "-r", "1", "-w", "1000", "2001:db8:4::9", "p0").ok()).as("excluded").isFalse();
                out.getBuffer().setLength(0);
                exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                        "-s", sock.toString(), "show", "published");
                assertThat(out.toString()).as(err.toString()).contains("2001:db8:4::/64").contains("2001:db8:4::9");
                String[] unpublish = publish.clone();
                unpublish[2] = "unpublish";
                out.getBuffer().setLength(0);
                exit = org.uarpd.daemon.control.Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(err), unpublish);
                assertThat(exit).as(out + "" + err).isZero();
                assertThat(lab.run(p, "ndisc6", "-1", "-r", "1", "-w", "1000", "2001:db8:4::5", "p0").ok()).as("unpublished").isFalse();
            } finally {
                lab.run(p, "ip", "-6", "route", "del", "2001:db8:4::/64", "dev", "p0");
            }
        }
    }

    @Test
    void monitorAndCaptureFilterByIpv6PrefixAndFamily() throws Exception {
        java.nio.file.Path sock = java.nio.file.Path.of("/tmp/uarpd-nd-mon-" + ProcessHandle.current().pid() + ".sock");
        java.nio.file.Path pcap = java.nio.file.Path.of("/tmp/uarpd-nd-mon-" + ProcessHandle.current().pid() + ".pcap");
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try (UarpdProcess u = uarpd("--control-socket", sock.toString())) {
            assertThat(Await.within(5, () -> u.count(l -> l.contains("(claimed)")) >= 2)).as(u.logText()).isTrue();
            var prefix = java.util.concurrent.CompletableFuture.supplyAsync(() -> DaemonLab.ctl(sock, "monitor", "-c", "1", "--dst", "2001:db8:1::/64"), threads);
            var family = java.util.concurrent.CompletableFuture.supplyAsync(() -> DaemonLab.ctl(sock, "-j", "monitor", "-c", "1", "--family", "inet6"), threads);
            var capture = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> DaemonLab.ctl(sock, "capture", pcap.toString(), "-c", "2", "--family", "inet6", "--host", PEER), threads);
            assertThat(Await.within(5, () -> DaemonLab.ctl(sock, "-j", "stats").out().contains("\"liveStreams\":3")))
                    .as(DaemonLab.ctl(sock, "-j", "stats").out()).isTrue();
            // ARP first: none of the three may take it.
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
            assertThat(prefix.isDone() || family.isDone() || capture.isDone()).as("an IPv4 line got through a filter").isFalse();
            assertThat(ping(h, PEER)).as(u.logText()).isTrue();

            DaemonLab.Ctl m = prefix.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(m.exit()).as(m.err()).isZero();
            assertThat(m.out().strip()).as("the first event about the prefix names its IPv6 address").contains(PEER).contains("dev u0");
            DaemonLab.Ctl f = family.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(f.exit()).as(f.err()).isZero();
            assertThat(f.out()).contains("\"dst\":\"").doesNotContain("192.0.2.");
            DaemonLab.Ctl c = capture.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(c.out().strip()).as(c.err()).isEqualTo("2 frames written to " + pcap);
            // Wireshark's reading: the NS for the peer and its NA, nothing else.
            String seen = lab.ok(null, "tshark", "-r", pcap.toString(), "-T", "fields", "-e", "icmpv6.type", "-e", "icmpv6.nd.ns.target_address",
                    "-e", "icmpv6.nd.na.target_address");
            assertThat(seen.lines().toList()).as(seen).containsExactly("135\t" + PEER + "\t", "136\t\t" + PEER);
        } finally {
            threads.shutdownNow();
            java.nio.file.Files.deleteIfExists(pcap);
        }
    }

    @Test
    void theInterfaceIsAllMulticastWhileUarpdRunsAndNotAfterItIsKilled() throws Exception {
        // Solicitations for published addresses go to groups the host never joined; the membership
        // is the packet socket's, so the kernel drops it with the socket, even after SIGKILL.
        assertThat(allmulti()).as("before").isZero();
        UarpdProcess u = uarpd("--publish", "2001:db8:5::/64");
        try {
            assertThat(allmulti()).as(u.logText()).isPositive();
            u.kill();
            assertThat(Await.within(5, () -> allmulti() == 0)).as(lab.ok(h, "ip", "-d", "link", "show", "u0")).isTrue();
        } finally {
            if (u.process.isAlive()) u.kill();
        }
    }

    /** u0's all-multicast count (ip -d link: "allmulti N"; the ALLMULTI flag shows only when set by hand). */
    private static int allmulti() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("allmulti (\\d+)").matcher(lab.ok(h, "ip", "-d", "link", "show", "u0"));
        assertThat(m.find()).as("ip -d link prints allmulti (iproute2 6.x)").isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theHostsEntryForThePeerFollowsTheRouterFlagOfItsAdvertisements() throws Exception {
        // Authoritative: u0's kernel never hears the peer's advertisements, so its neighbour entry's
        // router flag (NTF_ROUTER, RFC 4861 IsRouter) is only what uarpd installs.
        try (UarpdProcess u = uarpd()) {
            assertThat(ping(h, PEER)).as(u.logText()).isTrue();
            assertThat(peerEntry()).as("the peer's kernel answered as a host (R=0)").contains(lab.mac(p, "p0")).doesNotContain("router");
            advertise(true);
            assertThat(Await.within(5, () -> peerEntry().contains(" router ")))
                    .as("R=1 makes it a router\n" + peerEntry() + "\n" + u.logText()).isTrue();
            advertise(false);
            assertThat(Await.within(5, () -> !peerEntry().contains("router")))
                    .as("R=0 makes it a host again\n" + peerEntry() + "\n" + u.logText()).isTrue();
            assertThat(peerEntry()).contains(lab.mac(p, "p0"));
            assertThat(u.terminate()).isZero();
        }
    }

    @Test
    void aRouterWhoseAdvertisementClearsItsRouterFlagLosesTheDefaultRouteItsRouterAdvertisementGave() throws Exception {
        // RFC 4861 §7.2.5: IsRouter TRUE to FALSE takes the router off the Default Router List, which
        // Linux keeps as "proto ra" default routes. H's kernel hears the peer's RA (uarpd drops only
        // NS/NA) but not its NA, so the route must go by uarpd's doing: clearing NTF_ROUTER alone
        // leaves it (docs/guard.md).
        String mac = lab.mac(p, "p0");
        String linkLocal = lab.ok(p, "ip", "-6", "-o", "addr", "show", "dev", "p0", "scope", "link").split("\\s+")[3].split("/")[0];
        try (UarpdProcess u = uarpd()) {
            lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, IPv6, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr, sendp\n"
                    + "sendp(Ether(dst='33:33:00:00:00:01', src='" + mac + "')/IPv6(src='" + linkLocal + "', dst='ff02::1', hlim=255)"
                    + "/ICMPv6ND_RA(routerlifetime=1800)/ICMPv6NDOptSrcLLAddr(lladdr='" + mac + "'), iface='p0', verbose=0)\n");
            assertThat(Await.within(5, () -> defaultRoute().contains(linkLocal) && routerEntry(linkLocal).contains(" router ")))
                    .as("the host's kernel took the RA: " + defaultRoute() + " / " + routerEntry(linkLocal)).isTrue();
            lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, sendp\n"
                    + "sendp(Ether(dst='33:33:00:00:00:01', src='" + mac + "')/IPv6(src='" + linkLocal + "', dst='ff02::1', hlim=255)"
                    + "/ICMPv6ND_NA(tgt='" + linkLocal + "', R=0, S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr='" + mac + "'), iface='p0', verbose=0)\n");
            assertThat(Await.within(5, () -> defaultRoute().isBlank()))
                    .as("the default route via the former router\n" + defaultRoute() + "\n" + u.logText()).isTrue();
            assertThat(routerEntry(linkLocal)).as("NTF_ROUTER cleared, the binding kept").contains(mac).doesNotContain("router");
            assertThat(u.log).anyMatch(l -> l.contains(linkLocal + " on u0 is no longer a router"));
            assertThat(u.terminate()).isZero();
        } finally {
            lab.run(h, "ip", "-6", "route", "flush", "proto", "ra");
        }
    }

    private static String defaultRoute() {
        return lab.ok(h, "ip", "-6", "route", "show", "default", "proto", "ra");
    }

    private static String routerEntry(String address) {
        return lab.ok(h, "ip", "-6", "neigh", "show", address, "dev", "u0");
    }

    @Test
    void theGuardAsksTheOldStationBeforeAnIpv6BindingMovesAndReportsTheSpoofer() throws Exception {
        String real = lab.mac(p, "p0");
        String forged = "02:00:00:00:66:66";
        // The control: without the guard, one forged solicitation moves the host's binding.
        try (UarpdProcess u = uarpd()) {
            assertThat(ping(h, PEER)).as(u.logText()).isTrue();
            forgeSolicitation(forged);
            assertThat(Await.within(5, () -> peerEntry().contains(forged))).as("unguarded: poisoned\n" + peerEntry() + "\n" + u.logText()).isTrue();
        }
        lab.ok(h, "ip", "-6", "neigh", "flush", "all");
        try (UarpdProcess u = uarpd("--guard")) {
            assertThat(ping(h, PEER)).as(u.logText()).isTrue();
            assertThat(Await.within(5, () -> u.count(l -> l.contains("alert new station: " + PEER + " dev u0, other station " + real)) > 0))
                    .as("arpwatch's report names the IPv6 neighbour\n" + u.logText()).isTrue();
            forgeSolicitation(forged);
            // uarpd asks the peer's kernel by unicast NS; its solicited NA shows the old station alive.
            assertThat(Await.within(5, () -> u.count(l -> l.contains("alert spoofing: " + PEER + " dev u0, other station " + forged
                    + ", believed " + real)) > 0)).as(u.logText()).isTrue();
            assertThat(u.count(l -> l.contains("alert verifying: " + PEER + " dev u0, other station " + forged))).as(u.logText()).isEqualTo(1);
            assertThat(peerEntry()).contains(real).doesNotContain(forged);
            assertThat(ping(h, PEER)).as("the host still reaches the real peer\n" + u.logText()).isTrue();
            assertThat(peerEntry()).doesNotContain(forged);
            assertThat(u.terminate()).isZero();
        }
    }

    /** A solicitation for the host's address from the peer's address at {@code mac} (frame source and option agree), by scapy. */
    private static void forgeSolicitation(String mac) {
        lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, IPv6, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, sendp\n"
                + "sendp(Ether(dst='" + lab.mac(h, "u0") + "', src='" + mac + "')/IPv6(src='" + PEER + "', dst='" + HOST + "', hlim=255)"
                + "/ICMPv6ND_NS(tgt='" + HOST + "')/ICMPv6NDOptSrcLLAddr(lladdr='" + mac + "'), iface='p0', verbose=0)\n");
    }

    private static String peerEntry() {
        return lab.ok(h, "ip", "-6", "neigh", "show", PEER, "dev", "u0");
    }

    /** An unsolicited override advertisement of the peer's own address from the peer (scapy), Router flag {@code router}. */
    private static void advertise(boolean router) {
        String mac = lab.mac(p, "p0");
        lab.ok(p, "/usr/bin/python3", "-c", "from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, sendp\n"
                + "sendp(Ether(dst='33:33:00:00:00:01', src='" + mac + "')/IPv6(src='" + PEER + "', dst='ff02::1', hlim=255)"
                + "/ICMPv6ND_NA(tgt='" + PEER + "', R=" + (router ? 1 : 0) + ", S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr='" + mac + "'),"
                + " iface='p0', verbose=0)\n");
    }
}
