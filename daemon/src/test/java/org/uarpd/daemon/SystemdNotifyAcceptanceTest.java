package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NotifyListener;
import org.uarpd.linux.SystemdNotify;

/**
 * {@code uarpd run} under a stand-in for systemd: a datagram socket bound where {@code $NOTIFY_SOCKET}
 * points, with {@code WATCHDOG_USEC} set. Every notification is read back; the watchdog pings are
 * counted, the others must come in the order of the daemon's life: warming up, ready (with a status),
 * a reload by SIGHUP, one by {@code uarpctl reload}, stopping — and nothing after it.
 */
@Tag("netns")
class SystemdNotifyAcceptanceTest {
    /** What the listener heard: the pings counted, everything else in order. */
    static final class Heard {
        final List<String> said = new ArrayList<>();
        int pings;
        boolean pingAfterStopping;

        /** Reads until a non-ping notification arrives (returned) or {@code timeout} passes (null). */
        String next(NotifyListener systemd, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                NotifyListener.Message m = systemd.receive(Duration.ofNanos(left));
                if (m == null) return null;
                if (m.text().equals("WATCHDOG=1")) {
                    pings++;
                    if (said.contains("STOPPING=1")) pingAfterStopping = true;
                    continue;
                }
                said.add(m.text());
                return m.text();
            }
        }

        /** Reads until {@code count} pings in all were heard (true) or {@code timeout} passed (false). */
        boolean awaitPings(NotifyListener systemd, int count, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (pings < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                NotifyListener.Message m = systemd.receive(Duration.ofNanos(left));
                if (m == null) return false;
                if (m.text().equals("WATCHDOG=1")) pings++;
                else said.add(m.text());
            }
            return true;
        }
    }

    /** Namespaces h (u0 192.0.2.1/24) and p (p0 192.0.2.2/24) joined by a veth: their names, h first. */
    static String[] hostAndPeer(NamespaceLab lab) {
        String h = lab.namespace("h");
        String p = lab.namespace("p");
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        return new String[] {h, p};
    }

    /** {@code uarpd run ARGS} in {@code ns}, notifying {@code systemd} with a watchdog of {@code watchdogMicros}. */
    static UarpdProcess underSystemd(NamespaceLab lab, String ns, NotifyListener systemd, String watchdogMicros, String... args)
            throws InterruptedException {
        return UarpdProcess.withEnvironment(lab, ns, Map.of(SystemdNotify.NOTIFY_SOCKET, systemd.name(), SystemdNotify.WATCHDOG_USEC, watchdogMicros), args);
    }

    @Test
    void startReloadWatchdogAndStopAreToldInOrder() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        Path dir = Files.createTempDirectory("un");
        Path sock = dir.resolve("ctl.sock");
        Path conf = dir.resolve("uarpd.toml");
        Files.writeString(conf, """
                [control]
                socket = "%s"
                [links.u0]
                mode = "authoritative"
                """.formatted(sock));
        try (NamespaceLab lab = new NamespaceLab("un");
             NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            String[] hp = hostAndPeer(lab);
            String p = hp[1];
            Heard heard = new Heard();
            try (UarpdProcess u = underSystemd(lab, hp[0], systemd, "1000000", "--config", conf.toString(), "--warm-up", "200")) {
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("STATUS=warming up");
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("READY=1\nSTATUS=serving on u0 (authoritative)");
                assertThat(lab.run(p, "arping", "-c", "1", "-w", "2", "-I", "p0", "192.0.2.1").ok())
                        .as("serving once ready\n" + u.logText()).isTrue();

                new ProcessBuilder("kill", "-HUP", Long.toString(u.process.pid())).start().waitFor();
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).as("SIGHUP\n" + u.logText()).matches("RELOADING=1\nMONOTONIC_USEC=\\d+");
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("READY=1");

                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int exit = Uarpctl.execute(new PrintWriter(out), new PrintWriter(err), "-s", sock.toString(), "reload");
                assertThat(exit).as("uarpctl reload: " + err).isZero();
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).as("uarpctl reload").matches("RELOADING=1\nMONOTONIC_USEC=\\d+");
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("READY=1");

                // WATCHDOG_USEC=1 s: a ping every half second from the loop, idle or not.
                int saidBefore = heard.said.size();
                assertThat(heard.awaitPings(systemd, heard.pings + 4, Duration.ofSeconds(10)))
                        .as("4 more pings from an idle loop within 10 s (%d so far)\n%s", heard.pings, u.logText()).isTrue();
                assertThat(heard.said).as("only pings while idle").hasSize(saidBefore);

                assertThat(u.terminate()).isZero();
                assertThat(heard.next(systemd, Duration.ofSeconds(5))).isEqualTo("STOPPING=1");
                assertThat(heard.next(systemd, Duration.ofMillis(1500))).as("nothing after STOPPING=1").isNull();
                assertThat(heard.pingAfterStopping).isFalse();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** WATCHDOG_USEC for the cadence test: a ping is due every 200 ms. */
    static final long WATCHDOG_MICROS = 400_000;

    /** ARP requests for {@code target} from {@code dev} (address {@code sender}), one a millisecond, until its stdin closes. */
    static final String FLOOD = """
            import select, socket, struct, sys
            dev, sender, target = sys.argv[1:4]
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
            s.bind((dev, 0x0806))
            mac = s.getsockname()[4][:6]
            f = b"\\xff" * 6 + mac + struct.pack("!HHHBBH", 0x0806, 1, 0x0800, 6, 4, 1) + mac + socket.inet_aton(sender) + b"\\0" * 6 + socket.inet_aton(target)
            while not select.select([sys.stdin], [], [], 0.001)[0]:
                s.send(f)
            """;

    /** When each of the next {@code count} pings came ({@code System.nanoTime()}); other notifications are kept in {@code heard}. */
    static List<Long> pingTimes(NotifyListener systemd, Heard heard, int count) {
        List<Long> at = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (at.size() < count) {
            long left = deadline - System.nanoTime();
            assertThat(left).as("%d pings within 30 s (%d so far)", count, at.size()).isPositive();
            NotifyListener.Message m = systemd.receive(Duration.ofNanos(left));
            if (m == null) continue;
            if (m.text().equals("WATCHDOG=1")) at.add(m.nanoTime());
            else heard.said.add(m.text());
        }
        return at;
    }

    /**
     * The watchdog pings come from the event loop itself. Healthy, they come every WATCHDOG_USEC/2
     * (sd_watchdog_enabled(3)), never a whole interval apart. Then the loop is made to hang through a
     * path it really has: at debug level it writes a line per packet to stderr, and the test stops
     * reading that pipe (as a stalled journald would) while a peer floods it with requests, so the
     * loop blocks in write(2). The pings must stop (a ping from any other thread would go on, and
     * systemd would never see the hang); once stderr is read again they resume.
     */
    @Test
    void theWatchdogPingsComeFromTheLoopAndStopWhenItHangs() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        Path dir = Files.createTempDirectory("uh");
        Path flood = dir.resolve("flood.py");
        Files.writeString(flood, FLOOD);
        long half = WATCHDOG_MICROS * 1000 / 2;
        try (NamespaceLab lab = new NamespaceLab("uh");
             NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            String[] hp = hostAndPeer(lab);
            Heard heard = new Heard();
            try (UarpdProcess u = UarpdProcess.withEnvironment(lab, hp[0], "debug", Map.of(SystemdNotify.NOTIFY_SOCKET, systemd.name(),
                    SystemdNotify.WATCHDOG_USEC, Long.toString(WATCHDOG_MICROS)), "--interface", "u0", "--warm-up", "0",
                    "--control-socket", dir.resolve("ctl.sock").toString())) {
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("STATUS=warming up");
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).startsWith("READY=1");
                List<Long> healthy = pingTimes(systemd, heard, 11);
                List<Long> gaps = new ArrayList<>();
                for (int i = 1; i < healthy.size(); i++) gaps.add(healthy.get(i) - healthy.get(i - 1));
                String cadence = "gaps between pings (ms): " + gaps.stream().map(g -> String.format("%.1f", g / 1e6)).toList();
                assertThat(gaps).as(cadence + "; none may reach WATCHDOG_USEC").allMatch(g -> g < 2 * half);
                List<Long> sorted = gaps.stream().sorted().toList();
                assertThat(sorted.get(sorted.size() / 2)).as(cadence + "; the median is half WATCHDOG_USEC")
                        .isBetween(half * 9 / 10, half * 12 / 10);

                u.holdLog();
                Process peer = lab.start(hp[1], ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.INHERIT,
                        "/usr/bin/python3", flood.toString(), "p0", "192.0.2.2", "192.0.2.1");
                try {
                    // Silent for two whole intervals: systemd would have killed it after one.
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    boolean silent = false;
                    while (!silent && System.nanoTime() < deadline) {
                        NotifyListener.Message m = systemd.receive(Duration.ofNanos(4 * half));
                        silent = m == null;
                        if (m != null && !m.text().equals("WATCHDOG=1")) heard.said.add(m.text());
                    }
                    assertThat(silent).as("no ping for %d ms while the loop is blocked writing to stderr", 4 * half / 1_000_000).isTrue();
                    List<String> waits = wchans(u.process.pid());
                    assertThat(waits).as("a uarpd thread blocked in write(2) on its stderr pipe").anyMatch(w -> w.endsWith("pipe_write"));
                } finally {
                    peer.getOutputStream().close();
                    peer.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                    u.releaseLog();
                }
                pingTimes(systemd, heard, 3);
                assertThat(lab.run(hp[1], "arping", "-c", "1", "-w", "5", "-I", "p0", "192.0.2.1").ok())
                        .as("serving again once its stderr is read\n" + u.logText()).isTrue();
                assertThat(u.terminate()).isZero();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Where each thread of process {@code pid} waits in the kernel (/proc/PID/task/TID/wchan; "0" when running). */
    static List<String> wchans(long pid) throws java.io.IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(t -> {
                try {
                    return Files.readString(t.resolve("wchan")).strip();
                } catch (java.io.IOException e) {
                    return "(gone)"; // the thread ended meanwhile
                }
            }).toList();
        }
    }

    /**
     * systemd's watchdog runs from exec, not from READY=1: a warm-up longer than the watchdog interval
     * must ping meanwhile. WATCHDOG_USEC=100 ms (a ping every 50 ms) against 20,000 rehearsed rounds,
     * which take well over half a second on any machine: at least 5 pings come before READY=1 (the
     * loop's own first turns, after the warm-up, would give one or two).
     */
    @Test
    void theWarmUpPingsTheWatchdog() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        Path dir = Files.createTempDirectory("uw");
        try (NamespaceLab lab = new NamespaceLab("uw");
             NotifyListener systemd = new NotifyListener(dir.resolve("notify").toString())) {
            Heard heard = new Heard();
            try (UarpdProcess u = underSystemd(lab, hostAndPeer(lab)[0], systemd, "100000",
                    "--interface", "u0", "--control-socket", dir.resolve("ctl.sock").toString(), "--warm-up", "20000")) {
                assertThat(heard.next(systemd, Duration.ofSeconds(10))).isEqualTo("STATUS=warming up");
                int before = heard.pings;
                assertThat(heard.next(systemd, Duration.ofSeconds(60))).as(u.logText()).startsWith("READY=1");
                assertThat(heard.pings - before).as("pings between warming up and READY=1\n" + u.logText()).isGreaterThanOrEqualTo(5);
                assertThat(u.terminate()).isZero();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }
}
