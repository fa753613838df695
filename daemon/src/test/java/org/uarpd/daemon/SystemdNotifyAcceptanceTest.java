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
