package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/** {@code uarpd lab} exits 0 and leaves no namespace, link or process behind. Needs root. */
@Tag("netns")
class LabCommandTest {
    @Test
    void labPassesAndCleansUp() throws Exception {
        NamespaceLab.requirePrivileges();
        Process lab = new ProcessBuilder(SelfLauncher.command("lab")).redirectErrorStream(true).start();
        String out;
        try (var in = lab.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(lab.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(lab.exitValue()).as(out).isZero();
        assertThat(out).contains("all steps passed").contains("kernel miss 192.0.2.2").contains("installed 192.0.2.2");
        assertNothingLeft(lab.pid());
    }

    @Test
    void ctrlCMidwayLeavesNothingBehind() throws Exception {
        NamespaceLab.requirePrivileges();
        Process lab = new ProcessBuilder(SelfLauncher.command("lab")).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(lab.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.contains("uarpd host pings the peer")) {
                    // Ctrl-C: SIGINT to the lab's JVM, in the middle of the traffic.
                    NamespaceLab.run(java.util.List.of("kill", "-INT", Long.toString(lab.pid())));
                }
            }
        }
        assertThat(lab.waitFor(60, TimeUnit.SECONDS)).as(out.toString()).isTrue();
        assertThat(out.toString()).contains("uarpd host pings the peer").doesNotContain("all steps passed");
        assertNothingLeft(lab.pid());
    }

    private static void assertNothingLeft(long labPid) throws InterruptedException {
        String prefix = "uarpd-" + labPid + "-";
        // The processes the lab killed may take a moment to be reaped.
        Await.within(5, () -> ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("").contains(prefix)));
        assertThat(NamespaceLab.run(java.util.List.of("ip", "netns", "list")).out()).doesNotContain(prefix);
        assertThat(NamespaceLab.run(java.util.List.of("ip", "-o", "link")).out()).doesNotContain("u0@").doesNotContain("p0@");
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(prefix)).map(h -> h.info().commandLine().orElse("")).toList())
                .as("processes left behind").isEmpty();
    }
}
