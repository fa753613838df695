package org.uarpd.linux;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Puts the kernel back when uarpd dies without running its shutdown hooks (SIGKILL, a JVM crash): a
 * small {@code sh} in its own session holds the read end of a pipe from us, collects "record PATH
 * VALUE" lines (sysctls) and "undo COMMAND" lines (an {@code ip} command that reverses one change:
 * a bridge host route to delete, an address lost to a conflict to add back; "forget COMMAND" drops
 * one that uarpd reversed itself), and when the pipe reaches end-of-file without a final "clean" line
 * — which only happens when our process is gone — writes every recorded value back and runs every
 * remaining undo command. No polling: the kernel closes our end of the pipe when we die, however we
 * die. It runs in uarpd's network namespace, so {@code /proc/sys/net} and the routes there are the
 * ones it restores.
 *
 * <p>It ignores SIGTERM and SIGHUP, and so do the commands it runs (an ignored signal stays ignored
 * across fork and exec). Under systemd it lives in the service's cgroup, and when the main process
 * dies, systemd's default {@code KillMode=control-group} sends SIGTERM to every process left there,
 * possibly before the restorer has read end-of-file or while it restores; a {@code systemctl stop}
 * sends SIGTERM to uarpd and the restorer at once. Either way the restorer must outlive the signal:
 * it goes on until uarpd's end of the pipe closes, restores unless uarpd said "clean", and exits, and
 * systemd, which waits up to {@code TimeoutStopSec} for the cgroup to empty, sees it go.
 * ({@code KillMode=mixed} would be worse: with the main process already gone it goes straight to
 * SIGKILL for the rest.)
 */
public final class CrashRestorer implements AutoCloseable {
    private static final Pattern SAFE_PATH = Pattern.compile("/proc/sys/[A-Za-z0-9_./-]+");
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9_. \t-]*");
    /** Undo commands are split into words by the shell unquoted: no glob, quote or operator characters. */
    private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_.:/@-]+");

    private static final String SCRIPT = """
            trap '' TERM HUP
            restore=''
            undo=''
            while IFS=' ' read -r cmd rest; do
              case "$cmd" in
                record) restore="$restore$rest
            " ;;
                undo) undo="$undo$rest
            " ;;
                forget) undo=$(printf '%s' "$undo" | grep -vxF -e "$rest"; echo .); undo=${undo%.} ;;
                clean) exit 0 ;;
              esac
            done
            printf '%s' "$restore" | while IFS=' ' read -r path value; do
              printf '%s\\n' "$value" > "$path" 2>/dev/null
            done
            printf '%s' "$undo" | while IFS= read -r line; do
              $line >/dev/null 2>&1
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

    /**
     * Remembers a command that reverses one change uarpd made (e.g. {@code ip route del 192.0.2.9/32
     * dev m1}), run only if uarpd dies without cleaning up.
     */
    public synchronized void undo(String... command) {
        write("undo " + words(command) + "\n");
    }

    /** uarpd reversed that change itself: the restorer must not run {@code command} any more. */
    public synchronized void forget(String... command) {
        write("forget " + words(command) + "\n");
    }

    private static String words(String... command) {
        for (String w : command) {
            if (!SAFE_WORD.matcher(w).matches()) throw new IllegalArgumentException("crash restorer cannot carry the word '" + w + "'");
        }
        return String.join(" ", command);
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
