package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;

/**
 * What a class of namespace tests sets up around uarpd: the tools checked first (failing with what is
 * missing), a {@link NamespaceLab}, and a temporary directory for config files and control sockets.
 * {@link #close} takes both away, the namespaces checked gone, even when a test failed. And
 * {@link #ctl}: uarpctl run in-process against a control socket.
 */
public final class DaemonLab implements AutoCloseable {
    public final NamespaceLab lab;
    public final Path dir;

    private DaemonLab(NamespaceLab lab, Path dir) {
        this.lab = lab;
        this.dir = dir;
    }

    /** A lab whose namespaces carry {@code prefix} (null: the lab's default), for tests that {@code need} the lab's tools. */
    public static DaemonLab open(String prefix, String need) throws IOException {
        assertThat(LabCommand.missingTools()).as("tools " + need + " need").isNull();
        Path dir = Files.createTempDirectory("uarpd-" + (prefix == null ? "lab" : prefix) + "-");
        try {
            return new DaemonLab(prefix == null ? new NamespaceLab() : new NamespaceLab(prefix), dir);
        } catch (RuntimeException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lab.close();
            assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }

    /** What uarpctl said: its exit code and what it printed. */
    public record Ctl(int exit, String out, String err) {
        public List<String> lines() {
            return out.lines().toList();
        }
    }

    /** Runs {@code uarpctl -s sock args…} in this process. */
    public static Ctl ctl(Path sock, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("-s", sock.toString()));
        all.addAll(List.of(args));
        int exit = Uarpctl.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
        return new Ctl(exit, out.toString(), err.toString());
    }
}
