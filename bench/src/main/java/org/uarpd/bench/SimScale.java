package org.uarpd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
 * The simulator at scale (issue 5): HOSTS hosts on Ethernet segments of SEGMENT hosts, each host
 * resolving RESOLUTIONS others of its own segment, every broadcast delivered to every host of its
 * segment. Per segment, UARPD hosts run uarpd (the real engine over the sim backend); the others are
 * legacy hosts with the kernel's minimal ARP in compact form. Addresses come from the benchmarking
 * range 198.18.0.0/15 (RFC 2544), one /22 per segment.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.uarpd.bench.SimScale [--hosts N] [--segment N]
 *      [--resolutions N] [--uarpd N] [--seed N]</pre>
 *
 * Reports resolutions and frame deliveries per real second and the peak heap.
 */
public final class SimScale {
    private SimScale() {}

    public static void main(String[] args) {
        int hosts = 100_000;
        int segmentSize = 1_000;
        int resolutions = 10;
        int uarpdPerSegment = 1;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(need(v, args[i++]));
                case "--segment" -> segmentSize = Integer.parseInt(need(v, args[i++]));
                case "--resolutions" -> resolutions = Integer.parseInt(need(v, args[i++]));
                case "--uarpd" -> uarpdPerSegment = Integer.parseInt(need(v, args[i++]));
                case "--seed" -> seed = Long.parseLong(need(v, args[i++]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --hosts, --segment, --resolutions, --uarpd, --seed)");
            }
        }
        if (segmentSize > 1022 || hosts % segmentSize != 0 || uarpdPerSegment >= segmentSize || resolutions >= segmentSize
                || resolutions > 16 || hosts > (1 << 20) || hosts / segmentSize > 128) {
            throw new IllegalArgumentException("need segment ≤ 1022 dividing hosts, at most 128 segments (198.18.0.0/15),"
                    + " hosts ≤ 2^20, uarpd < segment, resolutions < segment and ≤ 16");
        }
        run(hosts, segmentSize, resolutions, uarpdPerSegment, seed, true);
    }

    /** What a run measured. */
    public record Result(long resolved, long failed, long frames, long deliveries, long packetsDelivered,
                         long realNanos, long cpuNanos, long peakHeapBytes) {}

    private static String need(String v, String option) {
        if (v == null) throw new IllegalArgumentException(option + " needs a value");
        return v;
    }

    public static Result run(int hosts, int segmentSize, int resolutions, int uarpdPerSegment, long seed, boolean print) {
        long buildStart = System.nanoTime();
        World world = new World(seed);
        world.timeline().setEnabled(false);
        int segments = hosts / segmentSize;
        int compactPerSegment = segmentSize - uarpdPerSegment;
        CompactStations[] blocks = new CompactStations[segments];
        SimHost[][] daemons = new SimHost[segments][uarpdPerSegment];
        int base = Ip4.parse("198.18.0.0");
        EngineConfig engineConfig = EngineConfig.defaults();
        for (int s = 0; s < segments; s++) {
            Segment seg = world.addSegment("seg" + s, Ethernet.INSTANCE);
            int net = base + (s << 10);
            // host 0..uarpd-1 of the segment are uarpd hosts (.1, .2 …), the rest a compact block after them
            for (int u = 0; u < uarpdPerSegment; u++) {
                SimHost h = world.addHost("s" + s + "u" + u);
                SimInterface ifc = h.attach("eth0", seg, HardwareAddress.ofLong48(0x020000000000L + ((long) s << 16) + 1 + u));
                h.configure(ifc, net + 1 + u, 22);
                h.runResolver(EngineResolver.withConfig(engineConfig.withSeed(seed + s * 1000L + u)), 0);
                daemons[s][u] = h;
            }
            blocks[s] = new CompactStations(world, seg, "s" + s + "c", compactPerSegment,
                    0x020000000000L + ((long) s << 16) + 1 + uarpdPerSegment, net + 1 + uarpdPerSegment, 22);
        }
        world.bootAll();
        // every host starts one resolution per virtual second, at a random moment of that second; the
        // starts are kept sorted in one array and fed by a single generator event, so the event queue
        // holds only what is in flight
        SplittableRandom random = new SplittableRandom(seed);
        long[] starts = new long[hosts * resolutions];
        int n = 0;
        for (int s = 0; s < segments; s++) {
            for (int h = 0; h < segmentSize; h++) {
                for (int k = 1; k <= resolutions; k++) {
                    long at = k * Simulation.SECOND + random.nextLong(Simulation.SECOND);
                    starts[n++] = (at << 24) | ((long) (s * segmentSize + h) << 4) | (k - 1);
                }
            }
        }
        java.util.Arrays.sort(starts);
        new Generator(world, starts, segmentSize, uarpdPerSegment, blocks, daemons, base).arm();
        System.gc();
        long heapAfterBuild = usedHeap();
        resetPeaks();
        long buildNanos = System.nanoTime() - buildStart;

        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        world.sim().runUntil((resolutions + 8) * Simulation.SECOND);
        long elapsed = System.nanoTime() - start;
        long cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
        double cpuSeconds = cpuNanos / 1e9;
        long peak = peakHeap();

        long deliveries = 0;
        long frames = 0;
        for (Segment seg : world.segments()) {
            deliveries += seg.deliveries();
            frames += seg.framesSent();
        }
        double seconds = elapsed / 1e9;
        long resolved = world.stats().resolved();
        Result result = new Result(resolved, world.stats().failed(), frames, deliveries, world.stats().packetsDelivered(), elapsed, cpuNanos, peak);
        if (!print) return result;
        System.out.printf(Locale.ROOT, "SimScale: %d hosts, %d segments of %d (%d uarpd + %d compact legacy each), %d resolutions per host, seed %d%n",
                hosts, segments, segmentSize, uarpdPerSegment, compactPerSegment, resolutions, seed);
        System.out.printf(Locale.ROOT, "build: %.2f s, heap after build %d MB%n", buildNanos / 1e9, heapAfterBuild >> 20);
        System.out.printf(Locale.ROOT, "run: %.2f s real (%.2f s CPU of the simulation thread) for %d s virtual, %d events%n",
                seconds, cpuSeconds, resolutions + 8, world.sim().executed());
        System.out.printf(Locale.ROOT, "resolutions: %d resolved, %d failed (of %d started)%n", resolved, world.stats().failed(), world.stats().misses());
        System.out.printf(Locale.ROOT, "frames: %d sent, %d deliveries; packets delivered %d%n", frames, deliveries, world.stats().packetsDelivered());
        System.out.printf(Locale.ROOT, "throughput: %.0f resolutions/s, %.0f frame deliveries/s (real time)%n", resolved / seconds, deliveries / seconds);
        System.out.printf(Locale.ROOT, "per CPU second: %.0f resolutions/s, %.0f frame deliveries/s%n", resolved / cpuSeconds, deliveries / cpuSeconds);
        System.out.printf(Locale.ROOT, "peak heap during run: %d MB (max heap %d MB)%n", peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        System.out.print(world.stats().summary());
        return result;
    }

    /** Feeds the sorted starts to the hosts: one event at a time, at the next start's time. */
    private static final class Generator implements Runnable {
        private final World world;
        private final long[] starts;
        private final int segmentSize;
        private final int uarpdPerSegment;
        private final CompactStations[] blocks;
        private final SimHost[][] daemons;
        private final int base;
        private int next;

        Generator(World world, long[] starts, int segmentSize, int uarpdPerSegment, CompactStations[] blocks, SimHost[][] daemons, int base) {
            this.world = world;
            this.starts = starts;
            this.segmentSize = segmentSize;
            this.uarpdPerSegment = uarpdPerSegment;
            this.blocks = blocks;
            this.daemons = daemons;
            this.base = base;
        }

        void arm() {
            if (next < starts.length) world.sim().at(starts[next] >>> 24, this);
        }

        @Override
        public void run() {
            long now = world.sim().now();
            while (next < starts.length && (starts[next] >>> 24) <= now) {
                long e = starts[next++];
                int global = (int) ((e >>> 4) & 0xFFFFF);
                int k = (int) (e & 0xF) + 1;
                int s = global / segmentSize;
                int h = global % segmentSize;
                int target = base + (s << 10) + 1 + (h + k * 37) % segmentSize;
                if (h < uarpdPerSegment) daemons[s][h].send(target);
                else blocks[s].send(h - uarpdPerSegment, target);
            }
            arm();
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
