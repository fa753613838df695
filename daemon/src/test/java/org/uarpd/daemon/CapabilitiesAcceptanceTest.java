package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;

/**
 * uarpd with exactly the systemd unit's privileges: user nobody, no groups, and only CAP_NET_RAW and
 * CAP_NET_ADMIN (effective, permitted, inheritable, ambient and bounding), set up by setpriv as
 * packaging/uarpd.service's AmbientCapabilities/CapabilityBoundingSet do. It must take over ARP in a
 * namespace (sysctls, nftables, packet sockets, installs), answer, serve uarpctl, and put every
 * sysctl back on SIGTERM.
 */
@Tag("netns")
class CapabilitiesAcceptanceTest {
    /**
     * The unit's capability set, read from packaging/uarpd.service (AmbientCapabilities and
     * CapabilityBoundingSet must name the same two), as setpriv flags: setpriv spells them
     * lower-case without "cap_". The unit's user is "uarpd"; the test machine has "nobody".
     */
    static List<String> setprivForUnit() throws Exception {
        List<String> unit = Files.readAllLines(Path.of("..", "packaging", "uarpd.service"));
        java.util.function.Function<String, java.util.Set<String>> caps = key -> unit.stream()
                .filter(l -> l.startsWith(key + "=")).findFirst().map(l -> java.util.Set.of(l.substring(key.length() + 1).strip().split("\\s+")))
                .orElseThrow(() -> new AssertionError("uarpd.service has no " + key));
        assertThat(caps.apply("AmbientCapabilities")).containsExactlyInAnyOrder("CAP_NET_RAW", "CAP_NET_ADMIN");
        assertThat(caps.apply("CapabilityBoundingSet")).isEqualTo(caps.apply("AmbientCapabilities"));
        assertThat(unit).contains("User=uarpd", "NoNewPrivileges=yes", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID");
        String set = "-all," + String.join(",", caps.apply("AmbientCapabilities").stream().sorted()
                .map(c -> "+" + c.substring(4).toLowerCase(java.util.Locale.ROOT)).toList());
        return List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=" + set, "--ambient-caps=" + set, "--bounding-set=" + set);
    }

    @Test
    void runsWithOnlyTheUnitsCapabilities() throws Exception {
        assertThat(LabCommand.missingTools()).as("tools the test needs").isNull();
        assertThat(NamespaceLab.run(List.of("setpriv", "--version")).ok()).as("setpriv (util-linux) is needed").isTrue();
        Path dir = Files.createTempDirectory("uo-caps");
        try (NamespaceLab lab = new NamespaceLab("uo")) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody creates its socket here
            Path sock = dir.resolve("ctl.sock");
            Path conf = dir.resolve("uarpd.toml");
            Files.writeString(conf, """
                    [control]
                    socket = "%s"
                    [links.u0]
                    mode = "authoritative"
                    [[links.u0.publish]]
                    address = "198.51.100.9"
                    """.formatted(sock));
            Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
            Map<String, String> before = LabCommand.knobs(lab, h);

            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", h));
            cmd.addAll(setprivForUnit());
            cmd.addAll(readableLauncher(dir, "run", "--config", conf.toString(), "--warm-up", "100"));
            Process uarpd = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.PIPE, cmd.toArray(String[]::new));
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var r = uarpd.errorReader()) {
                    String line;
                    while ((line = r.readLine()) != null) log.add(line);
                } catch (java.io.IOException ignored) {
                    // gone
                }
            });
            Await.within(30, () -> !uarpd.isAlive() || log.stream().anyMatch(l -> l.contains(RunCommand.READY)));
            assertThat(log).as("uarpd as nobody with CAP_NET_RAW+CAP_NET_ADMIN:\n" + String.join("\n", log)).anyMatch(l -> l.contains(RunCommand.READY));

            // It really is nobody with exactly those capabilities.
            String status = Files.readString(Path.of("/proc", Long.toString(uarpd.pid()), "status"));
            assertThat(status).containsPattern("Uid:\\s+65534\\s+65534\\s+65534\\s+65534");
            long wanted = (1L << 12) | (1L << 13); // CAP_NET_ADMIN, CAP_NET_RAW
            for (String set : List.of("CapEff", "CapPrm", "CapBnd", "CapAmb")) {
                String hex = status.lines().filter(l -> l.startsWith(set + ":")).findFirst().orElseThrow().substring(set.length() + 1).strip();
                assertThat(Long.parseUnsignedLong(hex, 16)).as(set).isEqualTo(wanted);
            }

            // It took over ARP: the kernel asks it, it answers and installs; published addresses are answered.
            assertThat(lab.run(p, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).as(String.join("\n", log)).isTrue();
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as(String.join("\n", log)).isTrue();
            assertThat(lab.ok(h, "nft", "list", "ruleset")).contains("table arp uarpd");
            assertThat(lab.ok(h, "sysctl", "-n", "net.ipv4.conf.u0.arp_ignore").strip()).isEqualTo("8");
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "2", "-I", "p0", "198.51.100.9").ok()).isTrue();

            // The control socket is nobody's, mode 0660, and serves uarpctl.
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
            assertThat(Files.getOwner(sock).getName()).isEqualTo("nobody");
            java.io.StringWriter out = new java.io.StringWriter();
            int exit = Uarpctl.execute(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()), "-s", sock.toString(), "show");
            assertThat(exit).isZero();
            assertThat(out.toString()).contains("192.0.2.2 dev u0 lladdr " + lab.mac(p, "p0"));

            // SIGTERM: everything back as it was.
            uarpd.toHandle().destroy();
            assertThat(uarpd.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            assertThat(uarpd.exitValue()).as(String.join("\n", log)).isZero();
            assertThat(LabCommand.knobs(lab, h)).isEqualTo(before);
            assertThat(lab.ok(h, "nft", "list", "ruleset")).doesNotContain("table arp uarpd");
            assertThat(log).anyMatch(l -> l.contains("restored every kernel setting uarpd changed"));
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * SelfLauncher's command, with every jar of the class path copied to {@code dir} first: nobody
     * cannot read the build user's ~/.m2 (the classes directories under the worktree are readable).
     */
    static List<String> readableLauncher(Path dir, String... args) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            Path e = Path.of(entry).toAbsolutePath();
            if (Files.isRegularFile(e)) {
                Path copy = lib.resolve(e.getFileName());
                Files.copy(e, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(e.toString());
            }
        }
        List<String> cmd = new ArrayList<>(SelfLauncher.command(args));
        int cp = cmd.indexOf("-cp");
        cmd.set(cp + 1, String.join(File.pathSeparator, entries));
        return cmd;
    }
}
