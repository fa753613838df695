package org.uarpd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * dpkg -i, the installed uarpd serving a namespace of its own, dpkg -P, and nothing left behind. The
 * package is purged even when a step fails; the test refuses to start while another dpkg runs or
 * when this machine already has a uarpd package or user (purging them would destroy someone's).
 */
@Tag("netns")
class InstallRoundTripTest {
    /** What uarpd run prints once it serves (RunCommand.READY). */
    static final String READY = "uarpd ready";

    @Test
    void installRunInANamespaceThenPurgeLeavesNothing() throws Exception {
        assertThat(Built.ok("id", "-u").strip()).as("the round trip installs a package: run it as root (bin/test does)").isEqualTo("0");
        Built.requireTool("dpkg", "dpkg");
        Built.requireTool("systemd-analyze", "systemd");
        Built.requireTool("arping", "iputils-arping");
        Built.requireTool("adduser", "adduser");
        requireNoOtherPackageManager();
        assertThat(Built.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "uarpd").out().strip())
                .as("a uarpd package is already on this machine; this test would replace and purge it: dpkg -P uarpd first")
                .isIn("", "un");
        assertThat(Built.run("getent", "passwd", "uarpd").exitCode())
                .as("a user uarpd already exists; purging the package would delete it: remove it first (userdel uarpd)").isEqualTo(2);
        List<String> ours = PackageContentsTest.listing().stream().filter(p -> p.contains("uarpd")).toList();

        Throwable failure = null;
        try {
            Built.ok("dpkg", "-i", Built.deb().toString());
            checkInstalled();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            NamespaceLab.Result purge = Built.run("dpkg", "-P", "uarpd");
            if (purge.exitCode() != 0) {
                AssertionError e = new AssertionError("dpkg -P uarpd failed: " + purge.out() + purge.err());
                if (failure != null) failure.addSuppressed(e);
                else throw e;
            }
        }

        assertThat(Built.run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "uarpd").out().strip()).isIn("", "un", "pn");
        for (String p : ours) assertThat(Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)).as(p + " left after purge").isFalse();
        for (String p : List.of("/etc/uarpd", "/run/uarpd", "/usr/lib/uarpd")) assertThat(Path.of(p)).doesNotExist();
        assertThat(Built.run("getent", "passwd", "uarpd").exitCode()).as("user uarpd left after purge").isEqualTo(2);
        assertThat(Built.run("getent", "group", "uarpd").exitCode()).as("group uarpd left after purge").isEqualTo(2);
        assertThat(Built.run("man", "-w", "uarpd").exitCode()).as("man uarpd still found").isNotZero();
    }

    /** dpkg's and apt's front-end lock (fcntl, as Java's FileChannel.tryLock takes it), tried and let go. */
    static void requireNoOtherPackageManager() throws Exception {
        for (Path lock : List.of(Path.of("/var/lib/dpkg/lock-frontend"), Path.of("/var/lib/dpkg/lock"))) {
            if (!Files.exists(lock)) continue;
            try (FileChannel c = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = c.tryLock()) {
                assertThat(held).as("another dpkg or apt is running (" + lock + " is locked); run this test when it has finished").isNotNull();
            }
        }
    }

    static void checkInstalled() throws Exception {
        // The system user: no login, no home.
        String[] user = Built.ok("getent", "passwd", "uarpd").strip().split(":");
        assertThat(Integer.parseInt(user[2])).as("a system uid").isLessThan(1000);
        assertThat(user[5]).isEqualTo("/nonexistent");
        assertThat(user[6]).isEqualTo("/usr/sbin/nologin");
        assertThat(Path.of("/nonexistent")).doesNotExist();
        assertThat(Built.ok("getent", "group", "uarpd")).startsWith("uarpd:");
        // Installing started nothing (the conffile names no interface; no systemd here anyway).
        assertThat(ProcessHandle.allProcesses().map(h -> h.info().commandLine().orElse(""))).noneMatch(c -> c.contains("/usr/lib/uarpd/"));

        assertThat(Built.ok("/usr/bin/uarpctl", "--help")).contains("Usage: uarpctl");
        assertThat(Built.ok("man", "-w", "uarpd").strip()).isEqualTo("/usr/share/man/man8/uarpd.8.gz");
        assertThat(Built.ok("man", "-w", "5", "uarpd.toml").strip()).isEqualTo("/usr/share/man/man5/uarpd.toml.5.gz");
        // The unit as installed: its ExecStart binary and Documentation= pages now exist.
        NamespaceLab.Result verify = Built.run("systemd-analyze", "verify", "/usr/lib/systemd/system/uarpd.service");
        assertThat(verify.exitCode()).as("systemd-analyze verify:\n" + verify.out() + verify.err()).isZero();
        assertThat(verify.out() + verify.err()).doesNotContain("uarpd.service");

        runInstalledInANamespace();
    }

    /** /usr/bin/uarpd answering for its host and a published address, uarpctl talking to it, SIGTERM ending it. */
    static void runInstalledInANamespace() throws Exception {
        Path dir = Files.createTempDirectory("uarpd-dist");
        try (NamespaceLab lab = new NamespaceLab("udist")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            Path sock = dir.resolve("ctl.sock");
            Path conf = dir.resolve("uarpd.toml");
            Files.writeString(conf, "[control]\nsocket = \"" + sock + "\"\n");
            Process uarpd = lab.start(h, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.PIPE,
                    "/usr/bin/uarpd", "run", "--config", conf.toString(), "--interface", "u0", "--publish", "198.51.100.9", "--warm-up", "100");
            List<String> log = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = uarpd.errorReader()) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        log.add(line);
                        if (line.contains(READY)) ready.countDown();
                    }
                } catch (java.io.IOException ignored) {
                    // the process went away
                } finally {
                    ready.countDown();
                    ended.countDown();
                }
            });
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("uarpd ready within 60 s").isTrue();
            assertThat(log).as("the installed uarpd started:\n" + String.join("\n", log)).anyMatch(l -> l.contains(READY));

            // Only uarpd answers here: the kernel in h is told not to (authoritative mode), and nobody owns 198.51.100.9.
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "198.51.100.9").ok()).as(String.join("\n", log)).isTrue();
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).as(String.join("\n", log)).isTrue();
            assertThat(lab.ok(h, "/usr/bin/uarpctl", "-s", sock.toString(), "show")).contains("192.0.2.2 dev u0");

            uarpd.toHandle().destroy(); // SIGTERM
            assertThat(uarpd.waitFor(15, TimeUnit.SECONDS)).as("uarpd stops within 15 s of SIGTERM").isTrue();
            assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(uarpd.exitValue()).as(String.join("\n", log)).isZero();
            assertThat(log).anyMatch(l -> l.contains("restored every kernel setting uarpd changed"));
        } finally {
            Built.deleteTree(dir);
        }
    }
}
