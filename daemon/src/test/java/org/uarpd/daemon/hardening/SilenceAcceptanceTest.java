package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/**
 * Nothing silent, at the log level an operator gets by default: a yield (RFC 5227 §2.4 (b), defend
 * once) and guard alerts are WARN lines naming the address and the MACs involved; a yielded address
 * shows as such in {@code uarpctl show links}, and {@code uarpctl reclaim} probes for it again.
 * Spoofed frames come from scapy in the peer.
 */
@Tag("netns")
@Tag("hardening")
class SilenceAcceptanceTest extends HostPeerLab {
    static final String SPOOF_MAC = "02:00:5e:00:53:66";
    static final String PYTHON = "/usr/bin/python3";

    @BeforeAll
    static void build() throws Exception {
        HostState.requireTools(PYTHON, "python3-scapy", "tcpdump", "tcpdump");
        assertThat(NamespaceLab.run(java.util.List.of(PYTHON, "-c", "import scapy.all")).ok())
                .as("scapy for " + PYTHON + " (apt-get install python3-scapy)").isTrue();
        open("uhs");
    }

    @BeforeEach
    void freshCaches() {
        lab.run(h, "ip", "neigh", "flush", "all");
        lab.run(p, "ip", "neigh", "flush", "all");
    }

    /** Sends {@code count} ARP packets from the peer, {@code op} 1 or 2, sender {@code ip} at {@code mac}, 0.5 s apart. */
    private static void spoof(int op, String ip, String mac, String targetIp, String targetMac, int count) {
        String script = "from scapy.all import Ether, ARP, sendp\n"
                + "f = Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/ARP(op=%d, hwsrc='%s', psrc='%s', hwdst='%s', pdst='%s')\n"
                        .formatted(mac, op, mac, ip, targetMac, targetIp)
                + "sendp(f, iface='p0', count=%d, inter=0.5, verbose=False)\n".formatted(count);
        lab.ok(p, PYTHON, "-c", script);
    }

    private static boolean warnNaming(UarpdProcess u, String... parts) {
        return u.log.stream().anyMatch(l -> {
            if (!l.contains("WARN")) return false;
            String lower = l.toLowerCase(java.util.Locale.ROOT);
            for (String x : parts) if (!lower.contains(x.toLowerCase(java.util.Locale.ROOT))) return false;
            return true;
        });
    }

    @Test
    void aYieldIsAWarningShownInShowLinksAndReclaimProbesAgain() throws Exception {
        Path socket = dir.resolve("yield.sock");
        String own = lab.mac(h, "u0");
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--interface", "u0", "--mode", "authoritative", "--defend", "once",
                "--control-socket", socket.toString(), "--warm-up", "0")) {
            // Two conflicting gratuitous ARPs within DEFEND_INTERVAL (10 s): defend once, then yield.
            spoof(1, "192.0.2.1", SPOOF_MAC, "192.0.2.1", "00:00:00:00:00:00", 2);
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.ctl(socket, "stats").out().contains("events.yielded ")))
                    .as("uarpd yielded (its counters say so), so only the log is on trial").isTrue();
            assertThat(HostState.await(Duration.ofSeconds(5), () -> warnNaming(u, "192.0.2.1", own, SPOOF_MAC)))
                    .as("a WARN line naming 192.0.2.1, %s and %s at the default level:\n%s", own, SPOOF_MAC, u.logText()).isTrue();
            HostState.Ctl links = HostState.ctl(socket, "show", "links");
            assertThat(links.exit()).as(links.err()).isZero();
            assertThat(links.out()).as("show links names the yielded address").containsPattern("192\\.0\\.2\\.1\\S*[^\\n]*yielded");
            assertThat(links.out()).as("and the host it went to").contains("yielded 192.0.2.1 to " + SPOOF_MAC);
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "2", "-I", "p0", "192.0.2.1").ok()).as("a yielded address is not answered").isFalse();
            HostState.Ctl notOurs = HostState.ctl(socket, "reclaim", "192.0.2.99");
            assertThat(notOurs.exit()).isEqualTo(1);
            assertThat(notOurs.err()).contains("192.0.2.99 is not one of the host's addresses");

            Path pcap = dir.resolve("probe.txt");
            Path started = dir.resolve("tcpdump.err");
            Process tcpdump = lab.start(p, ProcessBuilder.Redirect.to(pcap.toFile()), ProcessBuilder.Redirect.to(started.toFile()),
                    "tcpdump", "-l", "-n", "-e", "-i", "p0", "-c", "1", "arp[14:4] = 0 and arp[24:4] = 0xc0000201");
            try {
                assertThat(HostState.await(Duration.ofSeconds(10), () -> {
                    try {
                        return Files.readString(started).contains("listening on");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                })).as("tcpdump started").isTrue();
                HostState.Ctl reclaim = HostState.ctl(socket, "reclaim", "192.0.2.1");
                assertThat(reclaim.exit()).as("uarpctl reclaim 192.0.2.1: " + reclaim.err()).isZero();
                assertThat(reclaim.out()).startsWith("reclaiming 192.0.2.1 on u0 from " + SPOOF_MAC);
                assertThat(HostState.ctl(socket, "show", "links").out()).as("probing, no longer yielded").contains("probing 192.0.2.1")
                        .doesNotContain("yielded");
                assertThat(tcpdump.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("an ARP probe for 192.0.2.1 after reclaim").isTrue();
                assertThat(Files.readString(pcap)).contains(own);
            } finally {
                tcpdump.destroyForcibly();
            }
            assertThat(HostState.await(Duration.ofSeconds(15), () -> {
                String now = HostState.ctl(socket, "show", "links").out();
                return !now.contains("yielded") && !now.contains("probing");
            })).as("the address is the host's again after the probes").isTrue();
            HostState.Ctl again = HostState.ctl(socket, "reclaim", "192.0.2.1");
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("192.0.2.1 on u0 is not yielded");
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.1").ok()).as("answered again\n" + u.logText()).isTrue();
        }
    }

    @Test
    void guardAlertsAreWarnings() throws Exception {
        String real = lab.mac(p, "p0");
        String own = lab.mac(h, "u0");
        Path guard = dir.resolve("guard.sock");
        try (UarpdProcess u = UarpdProcess.atDefaultLevel(lab, h, "--interface", "u0", "--mode", "authoritative", "--guard",
                "--control-socket", guard.toString(), "--warm-up", "0")) {
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(u.logText()).isTrue();
            // Unsolicited replies moving the peer's address to another MAC and back: spoofing, flip-flop.
            spoof(2, "192.0.2.2", SPOOF_MAC, "192.0.2.1", own, 2);
            spoof(2, "192.0.2.2", real, "192.0.2.1", own, 1);
            spoof(2, "192.0.2.2", SPOOF_MAC, "192.0.2.1", own, 2);
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.ctl(guard, "stats").out()
                    .matches("(?s).*events\\.(spoofing|flip_flop|unsolicited|changed_station|sender_mismatch) .*")))
                    .as("the guard raised an alert (its counters say so), so only the log is on trial").isTrue();
            assertThat(HostState.await(Duration.ofSeconds(5), () -> warnNaming(u, "192.0.2.2", SPOOF_MAC)))
                    .as("a guard alert as a WARN line naming 192.0.2.2 and %s:\n%s", SPOOF_MAC, u.logText()).isTrue();
        }
    }
}
