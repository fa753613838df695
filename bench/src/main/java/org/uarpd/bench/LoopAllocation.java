package org.uarpd.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.linux.EventLog;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NamespaceThread;
import org.uarpd.engine.EnginePort;

/**
 * Heap bytes the event-loop thread allocates per first-packet resolution (miss → request → reply →
 * install, and the peer's request answered), with the real engine, in-process, in a namespace pair:
 * measured with the loop thread's allocation counter ({@code com.sun.management.ThreadMXBean}) over
 * {@code n} resolutions after a warm-up. Needs root. Results in BENCHMARKS.md.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "bench/target/classes:daemon/target/uarpd.jar:daemon/target/lib/*" org.uarpd.bench.LoopAllocation [n] [daemon|daemon-no-metrics]</pre>
 *
 * With {@code daemon} the policy is what {@code uarpd run} drives: the engine inside the daemon's
 * {@code EngineTap} (the tap the control socket and metrics read, metrics on), to show what operating it costs the loop.
 */
public final class LoopAllocation {
    private LoopAllocation() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        boolean daemon = args.length > 1 && args[1].startsWith("daemon");
        boolean metrics = !(args.length > 1 && args[1].equals("daemon-no-metrics"));
        NamespaceLab.requirePrivileges();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (NamespaceLab lab = new NamespaceLab(); ) {
            String h = lab.namespace("h");
            String p = lab.namespace("p");
            lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
            EngineConfig config = EngineConfig.defaults().withLinks(Map.of("u0", LinkPolicy.authoritative()));
            Engine engine = new Engine(config);
            try (NamespaceThread inH = new NamespaceThread(h)) {
                LinuxBackend backend = inH.call(() -> {
                    EnginePort policy = daemon ? daemonPolicy(engine, metrics) : engine;
                    LinuxBackend b = new LinuxBackend(List.of(new LinuxBackend.Interface("u0", LinkMode.AUTHORITATIVE)),
                            policy, EventLog.SILENT);
                    b.start();
                    b.rehearse(daemon ? daemonPolicy(new Engine(config), metrics) : new Engine(config),
                            20_000, new int[0], null);
                    return b;
                });
                long loopThread = inH.call(() -> Thread.currentThread().threadId());
                Future<?> loop = inH.submit(backend::run);
                try {
                    for (int i = 0; i < 50; i++) resolve(lab, h, p);
                    long before = threads.getThreadAllocatedBytes(loopThread);
                    for (int i = 0; i < n; i++) resolve(lab, h, p);
                    long after = threads.getThreadAllocatedBytes(loopThread);
                    System.out.printf(Locale.ROOT, "loop thread allocated %.0f bytes per resolution (%d resolutions, real engine%s, log off)%n",
                            (after - before) / (double) n, n, daemon ? " in the daemon, metrics " + (metrics ? "on" : "off") : "");
                } finally {
                    backend.stop();
                    loop.get(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static EnginePort daemonPolicy(Engine engine, boolean metrics) {
        return new org.uarpd.daemon.control.EngineTap(engine, metrics ? new org.uarpd.daemon.metrics.UarpdMetrics() : null);
    }

    /** Flushes both caches and pings once: one miss resolved on the wire, one request from the peer answered. */
    private static void resolve(NamespaceLab lab, String h, String p) {
        lab.ok(h, "ip", "neigh", "flush", "all");
        lab.ok(p, "ip", "neigh", "flush", "all");
        lab.ok(h, "ping", "-n", "-c", "1", "-W", "3", "192.0.2.2");
    }
}
