package org.uarpd.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uarpd.daemon.config.ConfigException;
import org.uarpd.daemon.config.ControlSection;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.LogSection;
import org.uarpd.daemon.config.RarpSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.ControlException;
import org.uarpd.daemon.control.ControlServer;
import org.uarpd.daemon.control.ControlService;
import org.uarpd.daemon.control.EngineTap;
import org.uarpd.linux.LoopControl;
import org.uarpd.daemon.control.Reloader;
import org.uarpd.daemon.metrics.UarpdMetrics;
import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LearningLimits;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.engine.rarp.EthersTable;
import org.uarpd.linux.KernelSettings;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NativeCallException;
import org.uarpd.linux.NeighbourTableLimit;
import org.uarpd.linux.SystemdNotify;
import org.uarpd.wire.HardwareAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uarpd run}: uarpd for the Linux host it runs on (in the network namespace it runs in). One
 * readable line per event on stderr. SIGTERM / SIGINT stop it and put back every kernel setting it
 * changed; after SIGKILL the kernel and the crash restorer do that (see {@code LinuxBackend}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run uarpd on real interfaces (needs root, or CAP_NET_ADMIN + CAP_NET_RAW).")
public final class RunCommand implements Callable<Integer> {
    /** Printed once the loop is about to start; the lab and the tests wait for it. */
    static final String READY = "uarpd ready";

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (TOML; default " + UarpdConfig.DEFAULT_PATH + " when it exists). Flags override it.")
    Path configFile;

    @Option(names = "--interface", paramLabel = "IF", description = "Interface to run on (repeatable; added to the config's [links]).")
    List<String> interfaces = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "MODE",
            description = "authoritative (uarpd alone does ARP), assist (the kernel keeps its ARP and asks uarpd first) or answer (the kernel keeps "
                    + "its ARP and resolves alone; uarpd answers published addresses and RARP, guards and learns), for every link. "
                    + "Default: the config's, else authoritative.")
    String mode;

    @Option(names = "--control-socket", paramLabel = "PATH", description = "Control socket for uarpctl (overrides [control] socket).")
    Path controlSocket;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "error, warn, info, debug (adds a line per packet, miss and install) or trace. Default: the config's log.level, else info.")
    String logLevel;

    @Option(names = "--publish", paramLabel = "CIDR[,!EXCLUDED...]",
            description = "Answer for these addresses too (repeatable), e.g. 198.51.100.0/24,!198.51.100.7; "
                    + "IPv6 prefixes are answered to neighbour solicitations, e.g. 2001:db8:1::/64,!2001:db8:1::7, "
                    + "under a condition with when=target-answers,via=IF or when=route, e.g. 2001:db8:2::/64,when=route.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--publish-mac", paramLabel = "MAC", description = "Hardware address to answer published addresses with (default: the interface's own).")
    String publishMac;

    @Option(names = "--ethers", paramLabel = "FILE", description = "ethers(5) file: answer RARP requests from it.")
    Path ethers;

    @Option(names = "--hosts", paramLabel = "FILE", description = "hosts(5) file for names in the ethers file.")
    Path hosts;

    @Option(names = "--bridge", split = ",", paramLabel = "IF1,IF2[,...]",
            description = "Proxy-ARP bridge these interfaces (added to --interface if missing): hosts learnt on each side are "
                    + "answered for on the others and get /32 routes. Needs authoritative mode and IPv4 forwarding.")
    List<String> bridge = new ArrayList<>();

    @Option(names = "--guard", description = "Guard every interface (as an empty [links.IF.guard] table does for one): consistent senders, no unsolicited replies, a changed "
            + "binding believed only when the old station stays silent, arpwatch station reports, per-source rate limits.")
    boolean guard;

    @Option(names = "--pin", paramLabel = "IP=MAC", description = "A pinned binding no frame can change (repeatable; on every interface).")
    List<String> pin = new ArrayList<>();

    @Option(names = "--lock-learnt", description = "Pin every binding once learnt.")
    boolean lockLearnt;

    @Option(names = "--allow-unsolicited", description = "With --guard: still believe replies nobody asked for.")
    boolean allowUnsolicited;

    @Option(names = "--probe", description = "RFC 5227: probe each address the host gains before answering for it.")
    boolean probe;

    @Option(names = "--announce", description = "RFC 5227: announce each address the host gains (ANNOUNCE_NUM times, ANNOUNCE_INTERVAL apart).")
    boolean announce;

    @Option(names = "--defend", paramLabel = "POLICY",
            description = "When another host uses one of ours: report, never (yield at once), once (defend once, then yield), always. "
                    + "Default: the config's [links.IF.conflict] defend, else report.")
    String defend;

    @Option(names = "--defend-address", paramLabel = "IP=POLICY", description = "The defence for one address (repeatable).")
    List<String> defendAddress = new ArrayList<>();

    @Option(names = "--remove-on-conflict", description = "Delete an address lost to another host from the kernel (put back on exit).")
    boolean removeOnConflict;

    @Option(names = "--ignore-mismatched-probes", description = "Ignore RFC 5227 probes whose Ethernet source differs from the ARP sender.")
    boolean ignoreMismatchedProbes;

    @Option(names = "--etcd", paramLabel = "ENDPOINTS", description = "Join a fleet through these etcd endpoints (comma-separated http://HOST:PORT; with --fleet).")
    String etcd;

    @Option(names = "--fleet", paramLabel = "NAME", description = "The fleet to join (with --etcd): published entries are answered only while this host owns their group.")
    String fleetName;

    @Option(names = "--no-answer-on-behalf", description = "In a fleet, leave broadcast requests for other hosts' directory bindings to their holders "
            + "([fleet] answer-on-behalf = false): for segments where every station runs uarpd.")
    boolean noAnswerOnBehalf;

    @Option(names = "--quiet", description = "No per-event lines (for benchmarks).")
    boolean quiet;

    @Option(names = "--busy-poll", description = "Never sleep in poll(2): one CPU at 100%% for the lowest first-packet latency.")
    boolean busyPoll;

    @Option(names = "--spin-us", paramLabel = "MICROSECONDS", defaultValue = "" + LinuxBackend.DEFAULT_SPIN_MICROS,
            description = "After each event keep polling this long before sleeping again (0..100000; 0: sleep at once), so the reply "
                    + "to a request just sent is caught without another wake-up. Idle, the loop sleeps. Default: ${DEFAULT-VALUE}.")
    int spinMicros;

    @Option(names = "--realtime", paramLabel = "PRIORITY", defaultValue = "0",
            description = "Run the event loop under SCHED_FIFO at this priority (1..99; 0: no). Cuts tail latency. Needs CAP_SYS_NICE.")
    int realtime;

    @Option(names = "--warm-up", defaultValue = "2000", paramLabel = "N",
            description = "At most this many synthetic resolutions rehearsed through a private engine before starting, so the JIT has "
                    + "compiled the hot path by the first real miss; the rehearsal stops sooner once the JIT has nothing left to compile "
                    + "(0: none). Default: ${DEFAULT-VALUE}.")
    int warmUp;

    @Override
    public Integer call() throws Exception {
        try (Successor successor = Successor.fromEnvironment()) {
            int code = serve(successor);
            if (successor != null) successor.exited(code);
            return code;
        }
    }

    /** Runs uarpd until it stops; {@code successor} (else null) when started by {@code uarpctl restart}. */
    private int serve(Successor successor) throws Exception {
        UarpdConfig settings;
        SystemdNotify notify;
        java.time.Duration watchdog;
        try {
            LinuxBackend.checkSpinMicros(spinMicros);
            settings = settings();
            notify = SystemdNotify.fromEnvironment();
            watchdog = notify.enabled() ? SystemdNotify.watchdogInterval() : null;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println("uarpd run: the config has mistakes (above); nothing was started");
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("uarpd run: " + e.getMessage());
            return 2;
        }
        configureLogging(settings.log().level());
        String missing = NamespaceLab.missingPrivileges("for netlink, packet sockets, sysctls and nftables");
        if (missing != null) {
            System.err.println("uarpd run: " + missing);
            return 1;
        }
        // Learning from requests stays well below the kernel's neighbour table limit (read here, never written).
        NeighbourTableLimit kernelTable = NeighbourTableLimit.read(new KernelSettings());
        EngineConfig config = settings.engineConfig(System.nanoTime())
                .withLearning(LearningLimits.defaults().belowKernelLimit(kernelTable.gcThresh3(), settings.links().size()));
        Engine engine = new Engine(config, settings.ndConfig());
        UarpdMetrics metrics = settings.metrics().enabled() ? new UarpdMetrics() : null;
        EngineTap tap = new EngineTap(engine, metrics);
        List<String> names = new ArrayList<>(settings.links().keySet());
        List<LinuxBackend.Interface> links = new ArrayList<>();
        for (String i : names) links.add(new LinuxBackend.Interface(i, config.policyFor(i).mode()));
        Logger log = LoggerFactory.getLogger("uarpd");
        log.info("learning from requests: at most {} entries a link, below the kernel's neighbour table limit {} ({})",
                config.learning().maxLearnt(), kernelTable.gcThresh3(), kernelTable.source());
        LinuxBackend backend = new LinuxBackend(links, tap,
                quiet ? org.uarpd.linux.EventLog.SILENT : new Slf4jEventLog(log), busyPoll);
        backend.setSpinMicros(spinMicros);
        backend.notifyWith(notify, watchdog);
        if (successor != null) backend.succeed(successor.channel());
        LoopControl loop = backend;
        Reloader reloader = new Reloader(tap, loop, settings, loadedFrom, this::withFlags);
        reloader.notifying(notify);
        ControlService service = new ControlService(tap, loop, reloader);
        ControlServer control = new ControlServer(service, settings.control());
        Restarter restarter = new Restarter(backend, notify, control, log);
        service.restarts(restarter);
        // SIGTERM / SIGINT: a fleet first hands its groups over while the loop runs (silent, then the lease
        // revoked: the standby takes over at once); then the loop stops, restores everything and run() returns.
        var fleeting = new java.util.concurrent.atomic.AtomicReference<org.uarpd.daemon.control.FleetView>();
        for (String signal : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                org.uarpd.daemon.control.FleetView f = fleeting.get();
                if (f != null) f.handOver();
                backend.requestStop();
            });
        }
        // SIGHUP: read the config again and apply it (off the signal thread: reload waits for the loop).
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> Thread.ofPlatform().name("uarpd-reload").start(() -> {
            try {
                reloader.reload();
            } catch (ControlException e) {
                log.error(e.getMessage());
            }
        }));
        // Any other orderly JVM exit (System.exit elsewhere, an uncaught error path): the same clean-up.
        Thread hook = new Thread(backend::stop, "uarpd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ScheduledExecutorService ticker = null;
        org.uarpd.daemon.control.FleetView fleet = null;
        try {
            // Everything before backend.run() happens while the kernel still answers for the links: the
            // warm-up, the control socket, a fleet's etcd client, the metrics endpoint. run() takes the
            // links over as its last step before the loop's first turn, so uarpd takes them over only
            // when it can serve them at full speed.
            if (successor == null) notify.status("warming up"); // a successor is not the main process yet: systemd drops what it says (pings too) until MAINPID=
            backend.prepare();
            if (warmUp > 0) {
                long t = System.nanoTime();
                LinkPolicy first = config.policyFor(names.get(0));
                HardwareAddress rarpClient = first.rarp() && !config.ethers().addresses().isEmpty()
                        ? config.ethers().addresses().keySet().iterator().next() : null;
                int rounds = backend.rehearse(new EngineTap(new Engine(config, settings.ndConfig()), metrics == null ? null : new UarpdMetrics()),
                        warmUp, RehearsalSamples.of(first), rarpClient);
                if (!quiet) {
                    System.err.printf("rehearsed the hot path %d times in %d ms (JIT warm-up; nothing sent)%n", rounds,
                            (System.nanoTime() - t) / 1_000_000);
                }
            }
            try {
                if (successor != null) control.startBeside(); // the old one's stays in place until this one has the host
                else control.start();
            } catch (java.io.IOException | RuntimeException e) {
                // ARP service does not depend on the control socket: say so loudly and go on without it.
                log.error("control socket {}: {}; running without a control socket (uarpctl will not reach this uarpd)",
                        settings.control().socket(), e.getMessage());
            }
            backend.start();
            if (successor != null) control.publish();
            if (settings.fleet().enabled()) {
                // A successor carries on under the old uarpd's lease (named in its environment) and owns what it passes on.
                String lease = successor != null ? System.getenv(org.uarpd.daemon.control.FleetView.LEASE_ENVIRONMENT) : null;
                org.uarpd.daemon.control.FleetView started = org.uarpd.daemon.fleet.FleetBridge.start(settings, tap, loop, log, metrics, lease);
                service.fleet(fleet = started);
                if (successor != null) successor.fleet(started::adopt, () -> started.awaitReachable(10_000));
                restarter.fleet(started);
            }
            fleeting.set(fleet);
            reloader.applyInitialStatics();
            if (metrics != null) {
                Runnable endpoint = () -> {
                    try {
                        log.info("metrics at http://{}:{}/metrics", settings.metrics().host(), metrics.serve(settings.metrics().host(), settings.metrics().port()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException("metrics endpoint " + settings.metrics().host() + ":" + settings.metrics().port(), e);
                    }
                };
                if (successor != null) successor.afterPredecessor(endpoint); // the old one's endpoint holds the port until it exits
                else endpoint.run();
                ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("uarpd-metrics").unstarted(r));
                ticker.scheduleAtFixedRate(() -> backend.execute(service::snapshotMetrics), 0, 1, TimeUnit.SECONDS);
            }
            backend.realtime(realtime); // after the rehearsal: a realtime thread must not spin through it
            String serving = "on " + String.join(", ", names) + " (" + String.join(", ",
                    settings.links().values().stream().map(l -> l.mode().name().toLowerCase()).distinct().toList()) + ")";
            String ready = READY + " " + serving + (loadedFrom != null ? " with " + loadedFrom : "") + ", control " + control.describe();
            // The loop's first task, after the takeover: ready is said by the thread that serves, once it serves.
            backend.execute(() -> {
                System.err.println(ready);
                if (successor != null) successor.serving(notify, watchdog != null, "serving " + serving);
                else notify.send("READY=1\nSTATUS=serving " + serving);
            });
            backend.run();
            return 0;
        } catch (NativeCallException | IllegalArgumentException | IllegalStateException e) {
            // What the user or the host can cause: a refused call, an unusable interface, a sysctl that cannot be written.
            System.err.println("uarpd run: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("uarpd run: internal error: " + e);
            e.printStackTrace();
            return 1;
        } finally {
            if (ticker != null) ticker.shutdownNow();
            control.close();
            if (fleet != null) fleet.close();
            if (metrics != null) metrics.close();
            backend.close(); // already done after a normal stop; after a failure it puts everything back now
            notify.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    /** Where the config was read from (null: none); set by {@link #settings()}. */
    private Path loadedFrom;

    /** The engine's configuration from the file (if any) and the flags. */
    EngineConfig config() throws Exception {
        return settings().engineConfig(System.nanoTime());
    }

    /**
     * The file named by --config (or the default file when it exists), with the flags applied over
     * it; a config naming no link is refused.
     */
    UarpdConfig settings() throws ConfigException {
        UarpdConfig base;
        if (configFile != null) {
            base = UarpdConfig.load(configFile);
            loadedFrom = configFile;
        } else if (java.nio.file.Files.exists(Path.of(UarpdConfig.DEFAULT_PATH))) {
            loadedFrom = Path.of(UarpdConfig.DEFAULT_PATH);
            base = UarpdConfig.load(loadedFrom);
        } else {
            base = UarpdConfig.defaults();
        }
        UarpdConfig c = withFlags(base);
        if (c.links().isEmpty()) {
            throw new IllegalArgumentException("no interface to run on: give --interface IF or a [links.IF] table in the config");
        }
        return c;
    }

    /** The flags over {@code c}: applied at start and again at every reload, so they keep overriding the file. */
    UarpdConfig withFlags(UarpdConfig c) {
        if (realtime < 0 || realtime > 99) throw new IllegalArgumentException("--realtime: priority must be 0..99, got " + realtime);
        LinkMode linkMode = null;
        if (mode != null) {
            linkMode = LinkSection.mode(mode);
            if (linkMode == null) {
                throw new IllegalArgumentException("--mode: unknown mode '" + mode + "' (expected " + String.join(", ", LinkSection.MODES) + ")");
            }
        }
        HardwareAddress mac = publishMac == null ? null : flag("--publish-mac", () -> Addresses.ethernet(publishMac));
        List<PublishedEntry> published = new ArrayList<>();
        for (String p : publish) if (!PublishedTargets.isIpv6List(p)) published.add(parsePublish(p).withHardware(mac));
        List<org.uarpd.engine.NdPublished> published6 = publishedFlags6(); // a mistake is reported before anything starts
        RarpSection rarp = c.rarp();
        if (ethers != null) {
            try {
                rarp = new RarpSection(ethers, hosts, EthersTable.read(ethers, hosts));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--ethers: cannot read " + ethers + ": " + e.getMessage());
            } catch (org.uarpd.engine.PositionedException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        } else if (hosts != null) {
            throw new IllegalArgumentException("--hosts is only used with --ethers");
        }
        for (String b : bridge) {
            if (b.isBlank()) throw new IllegalArgumentException("--bridge: empty interface name");
            if (!interfaces.contains(b.strip())) interfaces.add(b.strip());
        }
        if (!bridge.isEmpty() && bridge.size() < 2) throw new IllegalArgumentException("--bridge needs at least two interfaces, got " + bridge);
        Map<String, LinkSection> links = new LinkedHashMap<>(c.links());
        for (String i : interfaces) links.putIfAbsent(i, new LinkSection(i, LinkPolicy.authoritative()));
        for (var e : links.entrySet()) {
            LinkPolicy p = e.getValue().policy();
            List<PublishedEntry> all = new ArrayList<>(p.published());
            all.addAll(published);
            LinkMode m = linkMode != null ? linkMode : p.mode();
            boolean bridged = p.bridge() || bridge.stream().anyMatch(b -> b.strip().equals(e.getKey()));
            if (bridged && m != LinkMode.AUTHORITATIVE) {
                throw new IllegalArgumentException("--bridge needs --mode authoritative (uarpd must answer and install on the bridged interfaces)");
            }
            // Each guard and conflict flag given overrides its key on every link; the rest comes from the file.
            LinkPolicy q = LinkSection.base(m)
                    .withRarp(p.rarp() || ethers != null).withInarp(p.inarp()).withAnnounce(p.announce()).withPublished(all)
                    .withConflict(conflictPolicy(p.conflict())).withGuard(guardPolicy(p.guard())).withBridge(bridged);
            List<org.uarpd.engine.NdPublished> all6 = new ArrayList<>(e.getValue().published6());
            all6.addAll(published6);
            e.setValue(e.getValue().with(q, all6));
        }
        UarpdConfig out = c.withLinks(links).withRarp(rarp).withFleet(c.fleet().withFlags(etcd, fleetName, noAnswerOnBehalf ? Boolean.FALSE : null));
        if (controlSocket != null) {
            if (!controlSocket.isAbsolute()) throw new IllegalArgumentException("--control-socket: " + controlSocket + " is not an absolute path");
            out = out.withControl(new ControlSection(controlSocket, c.control().group()));
        }
        if (logLevel != null) {
            if (!LogSection.LEVELS.contains(logLevel)) {
                throw new IllegalArgumentException("--log-level: unknown level '" + logLevel + "' (expected " + String.join(", ", LogSection.LEVELS) + ")");
            }
            out = out.withLog(new LogSection(logLevel));
        }
        return out;
    }

    /** SLF4J's simple logger reads its settings once, at its first use: set them before anything logs. */
    static void configureLogging(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
    }

    static org.uarpd.engine.Defense parseDefense(String text, String flag) {
        try {
            return org.uarpd.daemon.config.ConflictSection.defence(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** The conflict flags over a link's {@code [links.NAME.conflict]}: each flag given overrides its key. */
    org.uarpd.engine.ConflictPolicy conflictPolicy(org.uarpd.engine.ConflictPolicy fromFile) {
        org.uarpd.engine.ConflictPolicy c = fromFile;
        if (probe) c = c.withProbe(true);
        if (announce) c = c.withAnnounce(true);
        if (defend != null) c = c.withDefense(parseDefense(defend, "--defend"));
        if (removeOnConflict) c = c.withRemoveOnConflict(true);
        if (ignoreMismatchedProbes) c = c.withIgnoreMismatchedProbes(true);
        for (String d : defendAddress) {
            String[] ip = flag("--defend-address " + d, () -> Addresses.assignment(d, "IP=POLICY"));
            c = c.withDefense(flag("--defend-address " + d, () -> Addresses.ip4(ip[0])), parseDefense(ip[1], "--defend-address " + d));
        }
        return c;
    }

    /** The guard flags over a link's {@code [links.NAME.guard]}: --guard turns every rule on (keeping the
     *  file's pins), the others override their key; pins from both apply. */
    org.uarpd.engine.GuardPolicy guardPolicy(org.uarpd.engine.GuardPolicy fromFile) {
        org.uarpd.engine.GuardPolicy g = guard ? org.uarpd.engine.GuardPolicy.strict().withPinned(fromFile.pinned()) : fromFile;
        if (guard && allowUnsolicited) g = g.withAllowUnsolicited(true);
        if (lockLearnt) g = g.withLockLearnt(true);
        Map<Integer, HardwareAddress> pinned = new LinkedHashMap<>(g.pinned());
        for (String p : pin) {
            String[] ip = flag("--pin " + p, () -> Addresses.assignment(p, "IP=MAC"));
            pinned.put(flag("--pin " + p, () -> Addresses.ip4(ip[0])), flag("--pin " + p, () -> Addresses.ethernet(ip[1])));
        }
        return pin.isEmpty() ? g : g.withPinned(pinned);
    }

    /** Neighbour discovery's configuration: the IPv6 targets of {@code --publish}, answered on every link. */
    org.uarpd.engine.NdConfig ndConfig() {
        org.uarpd.engine.NdConfig defaults = org.uarpd.engine.NdConfig.defaults();
        return defaults.withDefaultLink(defaults.defaultLink().withPublished(publishedFlags6()));
    }

    /** The IPv6 targets of {@code --publish} (with {@code --publish-mac}). */
    List<org.uarpd.engine.NdPublished> publishedFlags6() {
        HardwareAddress mac = publishMac == null ? null : flag("--publish-mac", () -> Addresses.ethernet(publishMac));
        List<org.uarpd.engine.NdPublished> published = new ArrayList<>();
        for (String p : publish) {
            if (PublishedTargets.isIpv6List(p)) published.add(flag("--publish " + p, () -> PublishedTargets.parseList6(p)).withHardware(mac));
        }
        return published;
    }

    /** {@code CIDR[,!EXCLUDED…]}: a range and what to leave out of it. */
    static PublishedEntry parsePublish(String text) {
        return flag("--publish " + text, () -> new PublishedEntry(PublishedTargets.parseList(text), null, false, 0, false));
    }

    /** The value {@code parse} reads, or its mistake as the mistake of {@code flag}. */
    static <T> T flag(String flag, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
