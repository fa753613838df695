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
        String prefix = "uarpd-" + lab.pid() + "-";
        assertThat(NamespaceLab.run(java.util.List.of("ip", "netns", "list")).out()).doesNotContain(prefix);
        assertThat(NamespaceLab.run(java.util.List.of("ip", "-o", "link")).out()).doesNotContain("u0@").doesNotContain("p0@");
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(prefix)).count())
                .as("processes left behind").isZero();
    }
}
