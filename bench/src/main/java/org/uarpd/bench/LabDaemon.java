package org.uarpd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.uarpd.daemon.SelfLauncher;
import org.uarpd.linux.NamespaceLab;

/** A {@code uarpd run} in a lab namespace for the end-to-end drivers: its stderr in a file, its RSS, its exit. */
final class LabDaemon implements AutoCloseable {
    final Process process;
    final Path stderr;
    final Path control;

    private LabDaemon(Process process, Path stderr, Path control) {
        this.process = process;
        this.stderr = stderr;
        this.control = control;
    }

    /** Starts {@code uarpd run ARGS --control-socket (a temp path)} in {@code ns} and waits up to 60 s for its ready line. */
    static LabDaemon start(NamespaceLab lab, String ns, String... runArgs) throws IOException, InterruptedException {
        return start(lab, ns, List.of(), runArgs);
    }

    /** As {@link #start(NamespaceLab, String, String...)}, with {@code jvm} options after those of bin/uarpd (a later option wins). */
    static LabDaemon start(NamespaceLab lab, String ns, List<String> jvm, String... runArgs) throws IOException, InterruptedException {
        Path err = Files.createTempFile("uarpd-bench", ".err");
        Path control = Path.of(err.toString().replace(".err", ".sock"));
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(runArgs));
        args.addAll(List.of("--control-socket", control.toString()));
        List<String> java = new ArrayList<>(SelfLauncher.command(args.toArray(String[]::new)));
        java.addAll(1 + SelfLauncher.JVM_OPTIONS.size(), jvm);
        cmd.addAll(java);
        Process p = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()), cmd.toArray(String[]::new));
        LabDaemon d = new LabDaemon(p, err, control);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!d.log().contains("uarpd ready")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                d.close();
                throw new IllegalStateException("uarpd did not become ready:\n" + d.log());
            }
            Thread.sleep(50); // polling its log file for the ready line
        }
        return d;
    }

    String log() {
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** VmRSS in KiB, or -1 once it is gone. */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        } catch (IOException | NumberFormatException gone) {
            return -1;
        }
        return -1;
    }

    /** CPU time (user + system, every thread) in nanoseconds, from /proc/PID/stat at clock-tick resolution; -1 once it is gone. */
    long cpuNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 (state) on: the name may hold spaces
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime (fields 14, 15) at USER_HZ 100
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }
        Files.deleteIfExists(stderr);
        Files.deleteIfExists(control);
    }
}
