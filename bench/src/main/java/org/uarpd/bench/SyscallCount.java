package org.uarpd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.uarpd.linux.NamespaceLab;

/**
 * System calls a resolver process makes while the benchmark drives misses, counted with
 * {@code strace -f} attached to every thread of the process (strace slows every call: only counts are
 * taken from a traced run, never times). The event-loop thread is the one that called poll(2) most.
 */
final class SyscallCount implements AutoCloseable {
    private static final Pattern WITH_THREADS = Pattern.compile("attached with (\\d+) threads");
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+([a-z_0-9]+)\\(");

    private final String label;
    private final Path output;
    private final Process strace;

    private SyscallCount(String label, Path output, Process strace) {
        this.label = label;
        this.output = output;
        this.strace = strace;
    }

    /** Attaches strace to every thread of {@code pid} and returns once each thread is attached. */
    static SyscallCount attach(NamespaceLab lab, String label, long pid) throws IOException, InterruptedException {
        Path out = Files.createTempFile("uarpd-strace", ".txt");
        Path err = Files.createTempFile("uarpd-strace", ".err");
        long threads;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            threads = tasks.count();
        }
        Process p = lab.start(null, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()),
                "strace", "-f", "-o", out.toString(), "-p", Long.toString(pid));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (attached(err) < threads) {
            if (!p.isAlive()) throw new IllegalStateException("strace could not attach to " + label + " (install strace): " + Files.readString(err));
            if (System.nanoTime() - deadline > 0) throw new IllegalStateException("strace attached to " + attached(err) + " of " + threads + " threads of " + label);
            Thread.sleep(20); // polling a condition with a deadline, not a fixed wait
        }
        Files.deleteIfExists(err);
        return new SyscallCount(label, out, p);
    }

    /** Threads strace says it attached ("Process N attached", or "… attached with K threads" for a whole process). */
    private static long attached(Path err) throws IOException {
        long n = 0;
        for (String l : Files.readAllLines(err)) {
            Matcher m = WITH_THREADS.matcher(l);
            if (m.find()) n += Long.parseLong(m.group(1));
            else if (l.contains(" attached")) n++;
        }
        return n;
    }

    /** Detaches, then prints the event-loop thread's calls per {@code events} and the other threads' total. */
    void report(int events) throws IOException, InterruptedException {
        strace.destroy(); // SIGTERM: strace detaches and lets the process run on
        strace.waitFor(10, TimeUnit.SECONDS);
        Map<String, Map<String, Integer>> byThread = new HashMap<>();
        for (String line : Files.readAllLines(output)) {
            Matcher m = CALL.matcher(line);
            if (m.find()) byThread.computeIfAbsent(m.group(1), t -> new TreeMap<>()).merge(m.group(2), 1, Integer::sum);
        }
        Files.deleteIfExists(output);
        String loop = null;
        for (var e : byThread.entrySet()) {
            if (loop == null || e.getValue().getOrDefault("poll", 0) > byThread.get(loop).getOrDefault("poll", 0)) loop = e.getKey();
        }
        StringBuilder b = new StringBuilder();
        int loopTotal = 0;
        if (loop != null) {
            for (var c : byThread.get(loop).entrySet()) {
                loopTotal += c.getValue();
                b.append(String.format(Locale.ROOT, " %s %.1f", c.getKey(), c.getValue() / (double) events));
            }
        }
        int others = 0;
        int otherThreads = 0;
        for (var e : byThread.entrySet()) {
            if (e.getKey().equals(loop)) continue;
            otherThreads++;
            for (int n : e.getValue().values()) others += n;
        }
        System.out.printf(Locale.ROOT, "%-7s loop thread: %.1f system calls per pair (%s); other threads: %.1f per pair (%d threads made calls)%n",
                label, loopTotal / (double) events, b.toString().strip(), others / (double) events, otherThreads);
    }

    @Override
    public void close() {
        if (strace.isAlive()) strace.destroy();
    }
}
