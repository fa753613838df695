package org.uarpd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.uarpd.engine.EngineConfig;
import org.uarpd.sim.CompactStations;
import org.uarpd.sim.EngineResolver;
import org.uarpd.sim.Segment;
import org.uarpd.sim.SimHost;
import org.uarpd.sim.SimInterface;
import org.uarpd.sim.Simulation;
import org.uarpd.sim.World;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/**
 * The simulator at scale: HOSTS hosts on Ethernet segments of SEGMENT hosts, each host resolving
 * RESOLUTIONS others of its own segment, every broadcast delivered to every host of its segment.
 * Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544), one /22 per segment.
 *
 * <p>Two labelled modes. {@code engines} (the default): every host runs uarpd — the real engine over
 * the sim backend, routing socket included — so every broadcast goes through the kernel input path,
 * the link tap and the engine of each of the segment's other hosts. {@code compact}: per segment,
 * one host runs uarpd and the others are legacy hosts with the kernel's minimal ARP in compact form
 * ({@code CompactStations}). {@code both} runs compact then engines and prints their ratios.
 * {@code --uarpd N} sets the uarpd hosts per segment directly (the rest compact).
 *
 * <p>Segments never talk to each other, so with {@code --threads T} they are split over T worlds,
 * each a whole simulation of its share of the segments, run on its own thread.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.uarpd.bench.SimScale [--mode engines|compact|both]
 *      [--hosts N] [--segment N] [--resolutions N] [--uarpd N] [--threads T] [--seed N]</pre>
 *
 * Reports resolutions and frame deliveries per real second, the heap per host after building the
 * network and the peak heap during the run.
 */
public final class SimScale {
    private SimScale() {}

    public static void main(String[] args) throws InterruptedException {
        int hosts = 100_000;
        int segmentSize = 1_000;
        int resolutions = 10;
        Integer uarpd = null;
        String mode = "engines";
        int threads = Runtime.getRuntime().availableProcessors();
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(need(v, args[i++]));
                case "--segment" -> segmentSize = Integer.parseInt(need(v, args[i++]));
                case "--resolutions" -> resolutions = Integer.parseInt(need(v, args[i++]));
                case "--uarpd" -> uarpd = Integer.parseInt(need(v, args[i++]));
                case "--mode" -> mode = need(v, args[i++]);
                case "--threads" -> threads = Integer.parseInt(need(v, args[i++]));
                case "--seed" -> seed = Long.parseLong(need(v, args[i++]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --mode, --hosts, --segment, --resolutions, --uarpd, --threads, --seed)");
            }
        }
        if (!mode.equals("engines") && !mode.equals("compact") && !mode.equals("both")) {
            throw new IllegalArgumentException("--mode " + mode + ": expected engines, compact or both");
        }
        if (segmentSize > 1022 || segmentSize < 2 || hosts % segmentSize != 0 || resolutions >= segmentSize
                || resolutions > 16 || hosts > (1 << 20) || hosts / segmentSize > 128 || threads < 1
                || (uarpd != null && (uarpd < 0 || uarpd > segmentSize))) {
            throw new IllegalArgumentException("need 2 ≤ segment ≤ 1022 dividing hosts, at most 128 segments (198.18.0.0/15),"
                    + " hosts ≤ 2^20, 0 ≤ uarpd ≤ segment, resolutions < segment and ≤ 16, threads ≥ 1");
        }
        if (uarpd != null) {
            run(hosts, segmentSize, resolutions, uarpd, threads, seed, true);
            return;
        }
        Result compact = null;
        if (!mode.equals("engines")) compact = run(hosts, segmentSize, resolutions, 1, threads, seed, true);
        if (mode.equals("compact")) return;
        if (compact != null) System.gc();
        Result engines = run(hosts, segmentSize, resolutions, segmentSize, threads, seed, true);
        if (compact != null) {
            System.out.printf(Locale.ROOT, "engines / compact: resolutions/s %.3f, deliveries/s %.3f, CPU per resolution %.2f, heap after build %.2f, peak heap %.2f%n",
                    engines.resolutionsPerSecond() / compact.resolutionsPerSecond(),
                    engines.deliveriesPerSecond() / compact.deliveriesPerSecond(),
                    (double) engines.cpuNanos() / engines.resolved() / ((double) compact.cpuNanos() / compact.resolved()),
                    (double) engines.heapAfterBuildBytes() / compact.heapAfterBuildBytes(),
                    (double) engines.peakHeapBytes() / compact.peakHeapBytes());
        }
    }

    /** What a run measured. */
    public record Result(long resolved, long failed, long frames, long deliveries, long packetsDelivered,
                         long realNanos, long cpuNanos, long heapAfterBuildBytes, long peakHeapBytes) {
        public double resolutionsPerSecond() {
            return resolved / (realNanos / 1e9);
        }

        public double deliveriesPerSecond() {
            return deliveries / (realNanos / 1e9);
        }
    }

    private static String need(String v, String option) {
        if (v == null) throw new IllegalArgumentException(option + " needs a value");
        return v;
    }

    /** One world: a share of the segments, whole, with its own clock and generator of resolutions. */
    private static final class Share {
        final World world;

        Share(long seed, int firstSegment, int segments, int segmentSize, int resolutions, int uarpdPerSegment) {
            world = new World(seed + firstSegment);
            world.timeline().setEnabled(false);
            int compactPerSegment = segmentSize - uarpdPerSegment;
            CompactStations[] blocks = new CompactStations[segments];
            SimHost[][] daemons = new SimHost[segments][uarpdPerSegment];
            EngineConfig engineConfig = EngineConfig.defaults();
            for (int i = 0; i < segments; i++) {
                int s = firstSegment + i;
                Segment seg = world.addSegment("seg" + s, Ethernet.INSTANCE);
                int net = BASE + (s << 10);
                // host 0..uarpd-1 of the segment are uarpd hosts (.1, .2 …), the rest a compact block after them
                for (int u = 0; u < uarpdPerSegment; u++) {
                    SimHost h = world.addHost("s" + s + "u" + u);
                    SimInterface ifc = h.attach("eth0", seg, HardwareAddress.ofLong48(0x020000000000L + ((long) s << 16) + 1 + u));
                    h.configure(ifc, net + 1 + u, 22);
                    h.runResolver(EngineResolver.withConfig(engineConfig.withSeed(seed + s * 1000L + u)), 0);
                    daemons[i][u] = h;
                }
                if (compactPerSegment > 0) {
                    blocks[i] = new CompactStations(world, seg, "s" + s + "c", compactPerSegment,
                            0x020000000000L + ((long) s << 16) + 1 + uarpdPerSegment, net + 1 + uarpdPerSegment, 22);
                }
            }
            world.bootAll();
            // every host starts one resolution per virtual second, at a random moment of that second; the
            // starts are kept sorted in one array and fed by a single generator event, so the event queue
            // holds only what is in flight
            SplittableRandom random = new SplittableRandom(seed + firstSegment);
            long[] starts = new long[segments * segmentSize * resolutions];
            int n = 0;
            for (int i = 0; i < segments; i++) {
                for (int h = 0; h < segmentSize; h++) {
                    for (int k = 1; k <= resolutions; k++) {
                        long at = k * Simulation.SECOND + random.nextLong(Simulation.SECOND);
                        starts[n++] = (at << 24) | ((long) (i * segmentSize + h) << 4) | (k - 1);
                    }
                }
            }
            java.util.Arrays.sort(starts);
            new Generator(world, starts, firstSegment, segmentSize, uarpdPerSegment, blocks, daemons).arm();
            // the daemons start (each makes its engine and reads its kernel) before the first resolution, at 1 s,
            // so that the heap measured after building holds every engine
            world.sim().runUntil(Simulation.SECOND / 2);
        }
    }

    private static final int BASE = Ip4.parse("198.18.0.0");

    public static Result run(int hosts, int segmentSize, int resolutions, int uarpdPerSegment, long seed, boolean print) {
        try {
            return run(hosts, segmentSize, resolutions, uarpdPerSegment, 1, seed, print);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static Result run(int hosts, int segmentSize, int resolutions, int uarpdPerSegment, int threads, long seed, boolean print)
            throws InterruptedException {
        long buildStart = System.nanoTime();
        List<World> built = build(hosts, segmentSize, resolutions, uarpdPerSegment, threads, seed);
        return measure(built, hosts, segmentSize, resolutions, uarpdPerSegment, seed, buildStart, print);
    }

    /** The network, split into {@code min(threads, segments)} worlds, built, booted with uarpd started, its resolutions scheduled. */
    static List<World> build(int hosts, int segmentSize, int resolutions, int uarpdPerSegment, int threads, long seed) {
        int segments = hosts / segmentSize;
        int worlds = Math.min(threads, segments);
        List<World> built = new ArrayList<>();
        for (int w = 0, first = 0; w < worlds; w++) {
            int count = segments / worlds + (w < segments % worlds ? 1 : 0);
            built.add(new Share(seed, first, count, segmentSize, resolutions, uarpdPerSegment).world);
            first += count;
        }
        return built;
    }

    /** Runs the worlds, one thread each, to 8 s after the last resolution starts. */
    static Result measure(List<World> built, int hosts, int segmentSize, int resolutions, int uarpdPerSegment, long seed,
                          long buildStart, boolean print) throws InterruptedException {
        int segments = hosts / segmentSize;
        int worlds = built.size();
        System.gc();
        long heapAfterBuild = usedHeap();
        resetPeaks();
        long buildNanos = System.nanoTime() - buildStart;
        if (print) {
            System.out.printf(Locale.ROOT, "build: %.2f s, heap after build %d MB (%d bytes per host)%n",
                    buildNanos / 1e9, heapAfterBuild >> 20, heapAfterBuild / hosts);
        }

        long until = (resolutions + 8) * Simulation.SECOND;
        long[] cpu = new long[worlds];
        long[] waited = new long[worlds];
        Thread[] runners = new Thread[worlds];
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        for (int w = 0; w < worlds; w++) {
            int me = w;
            runners[w] = new Thread(() -> {
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = runQueueWait();
                built.get(me).sim().runUntil(until);
                cpu[me] = mx.getCurrentThreadCpuTime() - c0;
                waited[me] = runQueueWait() - w0;
            }, "sim-" + w);
            runners[w].start();
        }
        for (Thread t : runners) t.join();
        long elapsed = System.nanoTime() - start;
        long peak = peakHeap();

        long deliveries = 0;
        long frames = 0;
        long resolved = 0;
        long failed = 0;
        long misses = 0;
        long packets = 0;
        long events = 0;
        long cpuNanos = 0;
        long waitNanos = 0;
        for (int w = 0; w < worlds; w++) {
            waitNanos += waited[w];
            World world = built.get(w);
            for (Segment seg : world.segments()) {
                deliveries += seg.deliveries();
                frames += seg.framesSent();
            }
            resolved += world.stats().resolved();
            failed += world.stats().failed();
            misses += world.stats().misses();
            packets += world.stats().packetsDelivered();
            events += world.sim().executed();
            cpuNanos += cpu[w];
        }
        Result result = new Result(resolved, failed, frames, deliveries, packets, elapsed, cpuNanos, heapAfterBuild, peak);
        if (!print) return result;
        double seconds = elapsed / 1e9;
        double cpuSeconds = cpuNanos / 1e9;
        String label = uarpdPerSegment == segmentSize ? "engines: every host runs uarpd"
                : uarpdPerSegment == 1 ? "compact: 1 uarpd + " + (segmentSize - 1) + " compact legacy stations per segment"
                : uarpdPerSegment + " uarpd + " + (segmentSize - uarpdPerSegment) + " compact legacy per segment";
        System.out.printf(Locale.ROOT, "SimScale [%s]: %d hosts, %d segments of %d, %d resolutions per host, %d world(s) on as many threads, seed %d%n",
                label, hosts, segments, segmentSize, resolutions, worlds, seed);
        System.out.printf(Locale.ROOT, "run: %.2f s real (%.2f s CPU of the simulation threads) for %d s virtual, %d events%n",
                seconds, cpuSeconds, resolutions + 8, events);
        // Real time well above CPU time is either the threads waiting for a CPU (other processes: the run
        // queue) or the simulation blocking; the kernel's schedstat tells which.
        System.out.printf(Locale.ROOT, "waiting for a CPU (run queue, /proc/thread-self/schedstat): %.2f s over the simulation threads%n",
                waitNanos / 1e9);
        System.out.printf(Locale.ROOT, "resolutions: %d resolved, %d failed (of %d started)%n", resolved, failed, misses);
        System.out.printf(Locale.ROOT, "frames: %d sent, %d deliveries; packets delivered %d%n", frames, deliveries, packets);
        System.out.printf(Locale.ROOT, "throughput: %.0f resolutions/s, %.0f frame deliveries/s (real time)%n", resolved / seconds, deliveries / seconds);
        System.out.printf(Locale.ROOT, "per CPU second: %.0f resolutions/s, %.0f frame deliveries/s%n", resolved / cpuSeconds, deliveries / cpuSeconds);
        System.out.printf(Locale.ROOT, "peak heap during run: %d MB (max heap %d MB)%n", peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        return result;
    }

    /** Feeds the sorted starts to the hosts: one event at a time, at the next start's time. */
    private static final class Generator implements Runnable {
        private final World world;
        private final long[] starts;
        private final int firstSegment;
        private final int segmentSize;
        private final int uarpdPerSegment;
        private final CompactStations[] blocks;
        private final SimHost[][] daemons;
        private int next;

        Generator(World world, long[] starts, int firstSegment, int segmentSize, int uarpdPerSegment, CompactStations[] blocks, SimHost[][] daemons) {
            this.world = world;
            this.starts = starts;
            this.firstSegment = firstSegment;
            this.segmentSize = segmentSize;
            this.uarpdPerSegment = uarpdPerSegment;
            this.blocks = blocks;
            this.daemons = daemons;
        }

        void arm() {
            if (next < starts.length) world.sim().at(starts[next] >>> 24, this);
        }

        @Override
        public void run() {
            long now = world.sim().now();
            while (next < starts.length && (starts[next] >>> 24) <= now) {
                long e = starts[next++];
                int local = (int) ((e >>> 4) & 0xFFFFF);
                int k = (int) (e & 0xF) + 1;
                int i = local / segmentSize;
                int h = local % segmentSize;
                int target = BASE + ((firstSegment + i) << 10) + 1 + (h + k * 37) % segmentSize;
                if (h < uarpdPerSegment) daemons[i][h].send(target);
                else blocks[i].send(h - uarpdPerSegment, target);
            }
            arm();
        }
    }

    /** Nanoseconds the calling thread has spent runnable but waiting for a CPU (field 2 of schedstat); 0 without schedstat. */
    private static long runQueueWait() {
        try {
            return Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat")).strip().split(" ")[1]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long usedHeap() {
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) used += p.getUsage().getUsed();
        }
        return used;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
        }
        return peak;
    }
}
