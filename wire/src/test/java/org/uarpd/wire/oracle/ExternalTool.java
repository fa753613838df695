package org.uarpd.wire.oracle;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the independent tools the oracle tests compare against; a missing tool fails the test saying what to install. */
final class ExternalTool {
    static final String PYTHON = "/usr/bin/python3";

    private ExternalTool() {}

    static Path tshark() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "tshark");
            if (Files.isExecutable(p)) return p;
        }
        return fail("tshark is not installed: install the Debian package 'tshark' (apt-get install -y tshark), as bin/test does as root");
    }

    static Path scapyPython() {
        Path py = Path.of(PYTHON);
        if (!Files.isExecutable(py)) {
            fail(PYTHON + " is missing: install the Debian packages 'python3' and 'python3-scapy'");
        }
        Result r = run(List.of(PYTHON, "-c", "import scapy.all"), 60);
        if (r.exit() != 0) {
            fail("scapy is not importable by " + PYTHON + ": install the Debian package 'python3-scapy' (" + r.stderr().strip() + ")");
        }
        return py;
    }

    record Result(int exit, String stdout, String stderr) {}

    static Result run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("uarpd-tool-", ".out");
            Path err = Files.createTempFile("uarpd-tool-", ".err");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return fail(command + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("could not run " + command + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted running " + command);
        }
    }
}
