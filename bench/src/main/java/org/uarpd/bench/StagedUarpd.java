package org.uarpd.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.EngineTap;
import org.uarpd.linux.LoopControl;
import org.uarpd.daemon.control.Reloader;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.linux.EventLog;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.wire.HardwareAddress;

/**
 * {@code uarpd run} as FirstPacketLatency starts it (quiet, one link, a published range, metrics off,
 * the same warm-up), with its policy wrapped in {@link Stamps}: {@code System.nanoTime()}
 * (CLOCK_MONOTONIC) at each stage of every resolution. The loop, the daemon's tap and the engine are
 * uarpd's own. On SIGTERM it stops and prints the median of each stage over the last
 * {@code -Dstages.keep=N} resolutions (default 60) on stdout.
 *
 * <p>Arguments: {@code [run] [--quiet] --interface IF [--mode authoritative|assist] [--publish CIDR]
 * [--publish-mac MAC] [--busy-poll] [--spin-us N] [--warm-up N]}.
 */
public final class StagedUarpd {
    private StagedUarpd() {}

    public static void main(String[] args) {
        String iface = null;
        String mode = "authoritative";
        String publish = null;
        String mac = null;
        boolean busyPoll = false;
        int spin = LinuxBackend.DEFAULT_SPIN_MICROS;
        int warmUp = 2000; // uarpd run's default (--warm-up)
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "run", "--quiet" -> { }
                case "--control-socket" -> i++; // no control server here
                case "--interface" -> iface = args[++i];
                case "--mode" -> mode = args[++i];
                case "--publish" -> publish = args[++i];
                case "--publish-mac" -> mac = args[++i];
                case "--busy-poll" -> busyPoll = true;
                case "--spin-us" -> spin = Integer.parseInt(args[++i]);
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("StagedUarpd: unsupported argument " + args[i]);
            }
        }
        if (iface == null) throw new IllegalArgumentException("StagedUarpd: --interface IF is required");
        LinkPolicy policy = "assist".equals(mode) ? LinkPolicy.assist() : LinkPolicy.authoritative();
        int[] samples = {};
        if (publish != null) {
            Cidr range = Cidr.parse(publish);
            PublishedEntry e = PublishedEntry.range(range);
            policy = policy.withPublished(List.of(mac == null ? e : e.withHardware(HardwareAddress.parse(mac))));
            samples = new int[] {range.network()};
        }
        UarpdConfig settings = UarpdConfig.defaults().withLinks(Map.of(iface, new LinkSection(iface, policy)));
        EngineConfig config = settings.engineConfig(System.nanoTime());
        EngineTap tap = new EngineTap(new Engine(config), null);
        Stamps stamps = new Stamps(tap, Integer.getInteger("stages.keep", 60));
        LinkMode linkMode = config.policyFor(iface).mode();
        LinuxBackend backend = new LinuxBackend(List.of(new LinuxBackend.Interface(iface, linkMode)), stamps, EventLog.SILENT, busyPoll);
        backend.setSpinMicros(spin);
        Reloader reloader = new Reloader(tap, backend, settings, null, c -> c);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> backend.requestStop());
        // The same rehearsal as uarpd run, in the same place (before the takeover, then the loop's own
        // turns in start()), through a scratch tap in a scratch wrapper: the wrapper is compiled too.
        backend.prepare();
        if (warmUp > 0) backend.rehearse(new Stamps(new EngineTap(new Engine(config), null), 1), warmUp, samples, null);
        backend.start();
        reloader.applyInitialStatics();
        // Said from the loop's first turn: run() takes the link over just before it.
        String readyLine = "uarpd ready on " + iface + " (" + mode + ", stage stamps)";
        backend.execute(() -> System.err.println(readyLine));
        backend.run();
        stamps.print();
    }

    /**
     * The policy with a stamp at each stage. A miss: poll returned (the backend's {@code now}), the
     * miss reaches the policy (after recvfrom and decoding), the engine hands out the request, the
     * request's sendto has returned, the policy call returns. The reply: the same with the install
     * (RTM_NEWNEIGH sent and its ack read) in place of the request.
     */
    static final class Stamps implements EnginePort, ActionSink {
        private static final String[] MISS = {"poll returned -> miss handed to the policy (recvfrom, decode)",
            "-> engine emits the request", "-> request sendto returned", "-> policy call returns",
            "-> next poll returned (the reply)", "-> reply handed to the policy (recvfrom, decode)",
            "-> engine emits the install", "-> RTM_NEWNEIGH sent and ack read", "-> policy call returns"};
        private final EnginePort delegate;
        private final int keep;
        private final List<long[]> done = new ArrayList<>();
        private ActionSink out;
        private long decided;
        private long carried;
        private boolean sent;
        private boolean installed;
        /** The stamps of the resolution under way: poll, entry, decided, sent, exit for the miss, then for the reply. */
        private long[] current;

        Stamps(EnginePort delegate, int keep) {
            this.delegate = delegate;
            this.keep = keep;
        }

        @Override
        public void handle(long nowNanos, Input input, ActionSink sink) {
            long entry = System.nanoTime();
            out = sink;
            sent = false;
            installed = false;
            delegate.handle(nowNanos, input, this);
            long exit = System.nanoTime();
            if (input instanceof Input.KernelMiss && sent) {
                current = new long[] {nowNanos, entry, decided, carried, exit, 0, 0, 0, 0, 0};
            } else if (input instanceof Input.FrameReceived && installed && current != null) {
                current[5] = nowNanos;
                current[6] = entry;
                current[7] = decided;
                current[8] = carried;
                current[9] = exit;
                done.add(current);
                current = null;
            }
        }

        @Override
        public long nextDeadline() {
            return delegate.nextDeadline();
        }

        @Override
        public void accept(Action action) {
            long t = System.nanoTime();
            out.accept(action);
            if (action instanceof Action.Transmit && !sent) {
                sent = true;
                decided = t;
                carried = System.nanoTime();
            } else if (action instanceof Action.InstallNeighbor && !installed) {
                installed = true;
                decided = t;
                carried = System.nanoTime();
            }
        }

        void print() {
            List<long[]> last = done.subList(Math.max(0, done.size() - keep), done.size());
            System.out.printf(Locale.ROOT, "# uarpd stages, median over the last %d of %d resolutions (µs; System.nanoTime)%n", last.size(), done.size());
            double total = 0;
            for (int s = 0; s < MISS.length; s++) {
                double[] d = new double[last.size()];
                for (int i = 0; i < d.length; i++) d[i] = (last.get(i)[s + 1] - last.get(i)[s]) / 1e3;
                double m = d.length == 0 ? Double.NaN : FirstPacketLatency.percentile(d, 50);
                total += m;
                System.out.printf(Locale.ROOT, "uarpd  %-62s %8.1f  (p90 %.1f)%n", MISS[s], m, d.length == 0 ? Double.NaN : FirstPacketLatency.percentile(d, 90));
            }
            double[] whole = new double[last.size()];
            for (int i = 0; i < whole.length; i++) whole[i] = (last.get(i)[9] - last.get(i)[0]) / 1e3;
            System.out.printf(Locale.ROOT, "uarpd  %-62s %8.1f  (sum of medians %.1f)%n", "miss poll return -> reply policy call returns",
                    whole.length == 0 ? Double.NaN : FirstPacketLatency.percentile(whole, 50), total);
        }
    }
}
