package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;

/**
 * Fleet mode end to end: one real etcd member and two uarpd hosts on a bridge (192.0.2.0/24), both
 * publishing 198.51.100.7 as one group, and a plain Linux peer broadcasting ARP requests for it every
 * 50 ms (scapy) while tcpdump records the wire. Exactly one host answers; after SIGKILL of the owner the other
 * answers within the lease TTL plus a margin, and no request is ever answered from two MACs. A uarpd
 * without a fleet loads none of the fleet's or etcd's classes. Needs root, iproute2, scapy,
 * tcpdump and etcd ({@code apt-get install etcd-server}); fails saying what is missing.
 */
@Tag("netns")
class FleetAcceptanceTest {
    private static final String VIP = "198.51.100.7";
    /** etcd's default smallest lease (heartbeat 100 ms, election 1000 ms). */
    private static final double TTL_SECONDS = 2;
    /**
     * The takeover comes at most TTL + 500 ms (etcd's expiry sweep) + one transaction after the
     * crash; the second of margin beyond that covers a loaded 2-core test machine.
     */
    private static final double TAKEOVER_LIMIT_SECONDS = TTL_SECONDS + 1.5;

    static FleetDaemonLab fleetLab;
    static NamespaceLab lab;
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        fleetLab = FleetDaemonLab.open("uflt");
        lab = fleetLab.lab;
        dir = fleetLab.dir;
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fleetLab != null) fleetLab.close();
    }

    @Test
    void oneHostAnswersAndTheOtherTakesOverAfterSigkill() throws Exception {
        String sw = lab.namespace("sw");
        Process etcd = fleetLab.etcd(sw);
        UarpdProcess u1 = null;
        UarpdProcess u2 = null;
        UarpdProcess plain = null;
        Process arping = null;
        Process tcpdump = null;
        try {
            FleetDaemonLab.Segment s = fleetLab.segment(sw);
            String p = s.p();
            String h1 = s.h1();
            String h2 = s.h2();
            String mac1 = s.mac1();
            String mac2 = s.mac2();

            // Without a fleet nothing of it is loaded: the JVM's class-loading log names no fleet or etcd class.
            Path classes = dir.resolve("classes.log");
            plain = UarpdProcess.withJvmOptions(lab, h1, List.of("-Xlog:class+load=info:file=" + classes), "--interface", "h1",
                    "--publish", VIP, "--warm-up", "0");
            plain.terminate();
            assertThat(read(classes)).as("class-loading log").contains("org.uarpd.daemon.RunCommand")
                    .doesNotContain("org.uarpd.fleet.").doesNotContain("io.etcd.").doesNotContain("org.uarpd.daemon.fleet.");

            Path fleetClasses = dir.resolve("fleet-classes.log");
            u1 = UarpdProcess.withJvmOptions(lab, h1, List.of("-Xlog:class+load=info:file=" + fleetClasses), fleetArgs("h1"));
            UarpdProcess first = u1;
            assertThat(Await.within(15, () -> u1line(first, "now answers for " + VIP))).as(u1.logText()).isTrue();
            assertThat(read(fleetClasses)).as("the same check sees the fleet when there is one").contains("org.uarpd.fleet.Fleet");
            u2 = new UarpdProcess(lab, h2, fleetArgs("h2"));
            UarpdProcess second = u2;
            assertThat(Await.within(15, () -> ctl("h2", "show", "fleet").contains(" connected")))
                    .as(ctl("h2", "show", "fleet") + "\n" + second.logText()).isTrue();
            String shown = ctl("h1", "show", "fleet");
            assertThat(shown).contains("fleet t host h1 connected").contains(VIP + " owner h1 revision").contains("members h1")
                    .contains("ttl 2s");
            assertThat(ctl("h1", "-j", "show", "fleet")).contains("\"owned\":[\"" + VIP + "\"]").contains("\"fleet\":\"t\"");
            assertThat(ctl("h2", "show", "fleet")).contains(VIP + " owner h1").doesNotContain("(this host)");

            Path capture = dir.resolve("wire.pcap");
            Path tcpdumpErr = dir.resolve("tcpdump.err");
            tcpdump = lab.start(p, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(tcpdumpErr.toFile()),
                    "tcpdump", "-Z", "root", "-i", "pp", "-n", "-U", "-w", capture.toString(), "arp");
            assertThat(Await.within(10, () -> read(tcpdumpErr).contains("listening on"))).as(read(tcpdumpErr)).isTrue();
            // A broadcast request every 50 ms (iputils arping takes whole seconds only): either host could answer each one.
            arping = requestEvery50ms(lab, p, "pp", "192.0.2.30", VIP, tcpdumpErr);
            assertThat(Await.within(10, () -> replies(capture).stream().filter(r -> r.mac.equals(mac1)).count() >= 10))
                    .as("h1 answers\n" + read(tcpdumpErr) + NamespaceLab.run(List.of("tcpdump", "-r", capture.toString(), "-n", "-tt", "arp")) + "\n" + u1.logText()).isTrue();

            long killedAt = System.currentTimeMillis();
            u1.kill();
            assertThat(Await.within(10, () -> replies(capture).stream().anyMatch(r -> r.mac.equals(mac2))))
                    .as("h2 takes over\n" + second.logText()).isTrue();
            List<Reply> all = replies(capture);
            double takeover = (all.stream().filter(r -> r.mac.equals(mac2)).findFirst().orElseThrow().micros / 1000 - killedAt) / 1000.0;
            System.out.printf("fleet takeover after SIGKILL: %.3f s (lease TTL %.0f s)%n", takeover, TTL_SECONDS);
            assertThat(takeover).as("takeover time in seconds").isLessThanOrEqualTo(TAKEOVER_LIMIT_SECONDS);
            assertThat(Await.within(5, () -> replies(capture).stream().filter(r -> r.mac.equals(mac2)).count() >= 10)).isTrue();
            arping.destroy();
            arping.waitFor();
            tcpdump.destroy();
            tcpdump.waitFor();

            // On the wire: replies come from h1, then only from h2, never both for one request.
            assertThat(answerOrder(capture, VIP)).as("answering MACs in order").containsExactly(mac1, mac2);
            // The new owner announced in both forms: a gratuitous request and a broadcast reply (RFC 5944 §4.6).
            assertThat(decode(capture)).as("h2's announcements").anySatisfy(l -> assertThat(l).contains(mac2 + " > " + BROADCAST)
                    .contains("Request who-has " + VIP + " tell " + VIP)).anySatisfy(l -> assertThat(l).contains(mac2 + " > " + BROADCAST)
                    .contains("Reply " + VIP + " is-at " + mac2));
            assertThat(ctl("h2", "show", "fleet")).contains(VIP + " owner h2 revision").contains("takeovers 1");
        } finally {
            if (arping != null) arping.destroyForcibly();
            if (tcpdump != null) tcpdump.destroyForcibly();
            if (u1 != null && u1.process.isAlive()) u1.kill();
            if (u2 != null) u2.close();
            if (plain != null && plain.process.isAlive()) plain.kill();
            etcd.destroyForcibly();
            etcd.waitFor();
        }
    }

    /** The tools these tests need, or an assertion naming what to install. */
    static void requireTools() {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        boolean etcd = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "etcd")));
        assertThat(etcd).as("fleet mode runs against real etcd: install it with 'apt-get install etcd-server' (Debian)").isTrue();
        assertThat(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")))
                .as("the wire is checked with tcpdump: 'apt-get install tcpdump'").isTrue();
    }

    /** A broadcast ARP request from {@code from} for {@code target} every 50 ms (scapy; iputils arping takes whole seconds only). */
    static Process requestEvery50ms(NamespaceLab lab, String ns, String iface, String from, String target, Path errors) {
        String mac = lab.mac(ns, iface);
        return lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.appendTo(errors.toFile()), "/usr/bin/python3", "-c",
                "from scapy.all import Ether, ARP, sendp\n"
                        + "sendp(Ether(dst='ff:ff:ff:ff:ff:ff', src='" + mac + "') / ARP(op=1, hwsrc='" + mac
                        + "', psrc='" + from + "', pdst='" + target + "'), iface='" + iface + "', inter=0.05, loop=1, verbose=0)\n");
    }

    /**
     * The MACs that answered requests for {@code vip} in {@code capture}, in turn (each run of one MAC
     * once), asserting that two hosts never answered at once: wherever the answering MAC changes, at
     * least one request went unanswered in between, so no request can have been answered by both
     * (one request and its answer need not be next to each other on a loaded machine: a reply may
     * come after the next request). Broadcast replies are announcements, not answers.
     */
    static List<String> answerOrder(Path capture, String vip) {
        List<String> order = new ArrayList<>();
        List<String> lines = decode(capture);
        int requestsSinceAnswer = 0;
        String lastLine = null;
        for (String line : lines) {
            if (line.contains("Request who-has " + vip)) requestsSinceAnswer++;
            if (line.contains("> " + BROADCAST)) continue;
            Matcher m = REPLY.matcher(line);
            if (!m.find() || !m.group(2).equals(vip)) continue;
            String mac = m.group(3);
            if (!order.isEmpty() && !order.getLast().equals(mac)) {
                assertThat(requestsSinceAnswer).as("requests between the last answer of " + order.getLast() + " and the first of "
                        + mac + " (two hosts answering at once)\n" + lastLine + "\n" + line).isGreaterThanOrEqualTo(2);
            }
            if (order.isEmpty() || !order.getLast().equals(mac)) order.add(mac);
            requestsSinceAnswer = 0;
            lastLine = line;
        }
        return order;
    }

    private static boolean u1line(UarpdProcess u, String text) {
        return u.log.stream().anyMatch(l -> l.contains(text));
    }

    /** uarpd on {@code host}: its link, the published address, the fleet, and its fleet name from a config file. */
    private String[] fleetArgs(String host) throws Exception {
        return fleetLab.args(host, "t", "--publish", VIP);
    }

    private static Path socket(String host) {
        return fleetLab.socket(host);
    }

    /** uarpctl against {@code host}'s socket: its output, or its error output when it failed. */
    private static String ctl(String host, String... args) {
        return ctl(socket(host), args);
    }

    static String ctl(Path socket, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-s", socket.toString()));
        all.addAll(List.of(args));
        int exit = Uarpctl.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return exit == 0 ? out.toString() : "exit " + exit + ": " + err;
    }

    private static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    private static final Pattern REPLY = Pattern.compile("^(\\d+\\.\\d+) .*Reply (\\S+) is-at (\\S+),");

    private record Reply(long micros, String mac) {}

    private static List<Reply> replies(Path capture) {
        List<Reply> out = new ArrayList<>();
        for (String line : decode(capture)) {
            Matcher m = REPLY.matcher(line);
            if (m.find() && m.group(2).equals(VIP) && !line.contains("> " + BROADCAST)) {
                String[] t = m.group(1).split("\\.");
                out.add(new Reply(Long.parseLong(t[0]) * 1_000_000 + Long.parseLong(t[1]), m.group(3)));
            }
        }
        return out;
    }

    /**
     * The capture as tcpdump prints it, one frame a line with its epoch time and Ethernet addresses
     * ({@code SRC > DST,}); a capture still being written reads up to its last frame.
     */
    static List<String> decode(Path capture) {
        if (!Files.exists(capture)) return List.of();
        NamespaceLab.Result r = NamespaceLab.run(List.of("tcpdump", "-r", capture.toString(), "-n", "-e", "-tt", "arp"));
        return r.out().lines().toList();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
