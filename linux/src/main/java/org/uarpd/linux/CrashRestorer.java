package org.uarpd.linux;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Puts sysctls back when uarpd dies without running its shutdown hooks (SIGKILL, a JVM crash): a
 * small {@code sh} in its own session holds the read end of a pipe from us, collects "record PATH
 * VALUE" lines, and when the pipe reaches end-of-file without a final "clean" line — which only
 * happens when our process is gone — writes every recorded value back. No polling: the kernel closes
 * our end of the pipe when we die, however we die. It runs in uarpd's network namespace, so
 * {@code /proc/sys/net} there is the one it restores.
 */
public final class CrashRestorer implements AutoCloseable {
    private static final Pattern SAFE_PATH = Pattern.compile("/proc/sys/[A-Za-z0-9_./-]+");
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9_. \t-]*");

    private static final String SCRIPT = """
            restore=''
            while IFS=' ' read -r cmd path value; do
              case "$cmd" in
                record) restore="$restore$path $value
            " ;;
                clean) exit 0 ;;
              esac
            done
            printf '%s' "$restore" | while IFS=' ' read -r path value; do
              printf '%s\\n' "$value" > "$path" 2>/dev/null
            done
            """;

    /** The restorer's shell program (for tests that play the dying owner themselves). */
    static String script() {
        return SCRIPT;
    }

    private final Process process;
    private final OutputStream pipe;

    public CrashRestorer() {
        try {
            process = new ProcessBuilder("setsid", "sh", "-c", SCRIPT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the crash restorer (setsid sh): " + e.getMessage()
                    + " — util-linux's setsid and /bin/sh are needed", e);
        }
        pipe = process.getOutputStream();
    }

    public long pid() {
        return process.pid();
    }

    /** Remembers that {@code path} held {@code value} before uarpd changed it. */
    public synchronized void record(String path, String value) {
        if (!SAFE_PATH.matcher(path).matches() || !SAFE_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("crash restorer cannot carry " + path + " = '" + value + "'");
        }
        write("record " + path + " " + value + "\n");
    }

    private void write(String line) {
        try {
            pipe.write(line.getBytes(StandardCharsets.US_ASCII));
            pipe.flush();
        } catch (IOException e) {
            throw new IllegalStateException("crash restorer is gone (pid " + process.pid() + "): " + e.getMessage(), e);
        }
    }

    /** uarpd has restored everything itself: tell the restorer to exit without touching anything. */
    @Override
    public synchronized void close() {
        try {
            write("clean\n");
            pipe.close();
        } catch (IOException | IllegalStateException ignored) {
            // already gone: nothing left to disarm
        }
        try {
            process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
