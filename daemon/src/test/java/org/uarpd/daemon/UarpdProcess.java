package org.uarpd.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.uarpd.linux.NamespaceLab;

/** {@code uarpd run} as a child JVM inside a test namespace, with its stderr lines collected. */
public final class UarpdProcess implements AutoCloseable {
    public final Process process;
    private static final java.util.concurrent.atomic.AtomicInteger SOCKETS = new java.util.concurrent.atomic.AtomicInteger();
    public final List<String> log = new CopyOnWriteArrayList<>();
    /** The control socket this class chose (null when the caller did); removed after a SIGKILL. */
    private java.nio.file.Path controlSocket;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;
    /** While true the reader stops reading its stderr: once the pipe is full, uarpd's next line blocks the thread writing it. */
    private boolean held;

    public UarpdProcess(NamespaceLab lab, String ns, String... runArgs) throws InterruptedException {
        this(lab, ns, "debug", List.of(), java.util.Map.of(), List.of(runArgs)); // most oracles read per-packet lines
    }

    /** With {@code jvmOptions} for the child JVM (e.g. a class-loading log). */
    public static UarpdProcess withJvmOptions(NamespaceLab lab, String ns, List<String> jvmOptions, String... runArgs) throws InterruptedException {
        return new UarpdProcess(lab, ns, "debug", jvmOptions, java.util.Map.of(), List.of(runArgs));
    }

    /** With {@code env} added to its environment (e.g. systemd's NOTIFY_SOCKET). */
    public static UarpdProcess withEnvironment(NamespaceLab lab, String ns, java.util.Map<String, String> env, String... runArgs)
            throws InterruptedException {
        return new UarpdProcess(lab, ns, "info", List.of(), env, List.of(runArgs));
    }

    /** With {@code env} added to its environment, at log level {@code level} ("debug": a line per packet). */
    public static UarpdProcess withEnvironment(NamespaceLab lab, String ns, String level, java.util.Map<String, String> env, String... runArgs)
            throws InterruptedException {
        return new UarpdProcess(lab, ns, level, List.of(), env, List.of(runArgs));
    }

    /** At the log level an operator gets by default (no --log-level). */
    public static UarpdProcess atDefaultLevel(NamespaceLab lab, String ns, String... runArgs) throws InterruptedException {
        return new UarpdProcess(lab, ns, null, List.of(), java.util.Map.of(), List.of(runArgs));
    }

    private UarpdProcess(NamespaceLab lab, String ns, String level, List<String> jvmOptions, java.util.Map<String, String> env,
            List<String> runArgs) throws InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (!env.isEmpty()) {
            cmd.add("env"); // execs the JVM: the process's pid stays the daemon's
            env.forEach((k, v) -> cmd.add(k + "=" + v));
        }
        List<String> args = new ArrayList<>(List.of("run"));
        if (level != null) args.addAll(List.of("--log-level", level));
        args.addAll(runArgs);
        if (!args.contains("--config") && !args.contains("--control-socket")) {
            // Not the default /run/uarpd/control.sock: test daemons run side by side.
            controlSocket = java.nio.file.Path.of("/tmp/uarpd-test-" + ProcessHandle.current().pid() + "-" + SOCKETS.incrementAndGet() + ".sock");
            args.addAll(List.of("--control-socket", controlSocket.toString()));
        }
        List<String> java = SelfLauncher.command(args.toArray(String[]::new));
        java.addAll(1, jvmOptions);
        cmd.addAll(java);
        process = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.PIPE, cmd.toArray(String[]::new));
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    awaitReleased();
                    log.add(line);
                    if (line.contains(RunCommand.READY)) ready.countDown();
                }
            } catch (IOException ignored) {
                // gone
            }
            ready.countDown();
        }, "uarpd-log");
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(30, TimeUnit.SECONDS) || !process.isAlive()) {
            throw new AssertionError("uarpd did not become ready:\n" + String.join("\n", log));
        }
    }

    /** Stops reading uarpd's stderr until {@link #releaseLog()}: a stand-in for a log reader (journald) that stalls. */
    public synchronized void holdLog() {
        held = true;
    }

    /** Reads uarpd's stderr again. */
    public synchronized void releaseLog() {
        held = false;
        notifyAll();
    }

    private synchronized void awaitReleased() throws java.io.InterruptedIOException {
        while (held) {
            try {
                wait();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("interrupted while the log was held");
            }
        }
    }

    /** Waits until every line the process wrote has been read (after it exited). */
    public void drained() throws InterruptedException {
        reader.join(10_000);
    }

    public long count(Predicate<String> line) {
        return log.stream().filter(line).count();
    }

    public String logText() {
        return String.join("\n", log);
    }

    /** SIGTERM, then waits; returns the exit status. */
    public int terminate() throws InterruptedException {
        releaseLog(); // its clean-up writes lines too
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stderr
        if (!process.waitFor(15, TimeUnit.SECONDS)) throw new AssertionError("uarpd ignored SIGTERM for 15 s:\n" + logText());
        reader.join(5000); // its last lines (the clean-up's) may still be in the pipe
        return process.exitValue();
    }

    /** SIGKILL: no clean-up of its own runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        if (controlSocket != null) {
            try {
                java.nio.file.Files.deleteIfExists(controlSocket); // a killed uarpd cannot remove it
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) terminate();
    }
}
