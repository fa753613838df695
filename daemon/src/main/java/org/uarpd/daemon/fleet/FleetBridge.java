package org.uarpd.daemon.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.uarpd.daemon.config.FleetSection;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.EngineTap;
import org.uarpd.daemon.control.FleetView;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.daemon.metrics.UarpdMetrics;
import org.uarpd.engine.Action;
import org.uarpd.engine.Durations;
import org.uarpd.engine.NeighborState;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.fleet.Binding;
import org.uarpd.fleet.Fleet;
import org.uarpd.fleet.FleetConfig;
import org.uarpd.fleet.FleetHealth;
import org.uarpd.fleet.FleetListener;
import org.uarpd.fleet.Tenure;
import org.uarpd.linux.LinuxBackend.LinkInfo;
import org.uarpd.linux.LoopControl;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/**
 * Fleet mode in the daemon (docs/fleet.md): the published entries of a fleet group are in the
 * engine only while this host owns the group. {@link #gained} publishes them as operator entries
 * (which a reload keeps), {@link #lost} takes them back at once, and {@link #announce} has the
 * engine send gratuitous ARP for the group's addresses (request and reply forms, at the entry's own
 * hardware address when it has one). The host's own addresses and the neighbours the engine confirmed
 * go into the fleet's directory and leave it when the host no longer holds or trusts them; what other
 * hosts wrote there is copied into the engine ({@link OperatorCommand.DirectoryKnown}), which checks
 * kernel misses by unicast against it and, while etcd answers, answers for it on the others' behalf.
 *
 * <p>The fleet calls the listener on its own thread; every change to the engine is handed to the
 * loop ({@link LoopControl#execute}), in the order the fleet called.
 */
public final class FleetBridge implements FleetListener, FleetView {
    /** How often the host's own addresses are compared with what it wrote into the directory. */
    private static final long DIRECTORY_PERIOD_MS = 1000;
    /** How long a clean stop waits for the loop to take the groups' entries back before it gives up handing over early. */
    private static final long SILENCE_WAIT_MS = 1000;

    private record Member(String link, PublishedEntry entry) {}

    private record Placed(int index, PublishedEntry entry) {}

    private final FleetSection section;
    private final String host;
    private final Map<String, List<Member>> groups;
    private final EngineTap tap;
    private final LoopControl loop;
    private final Logger log;
    private final UarpdMetrics metrics;
    private final Map<String, Long> revisions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private volatile Fleet fleet;
    /** Completed when etcd first answers this host. */
    private final java.util.concurrent.CompletableFuture<Void> reachable = new java.util.concurrent.CompletableFuture<>();
    /** Set by {@link #handOver}: groups gained from then on are not published. */
    private volatile boolean silent;
    // loop thread only
    private final Map<String, List<Placed>> placed = new HashMap<>();
    private final Map<InetAddress, Binding> written = new HashMap<>();
    private final Map<InetAddress, Binding> confirmed = new HashMap<>();

    private FleetBridge(UarpdConfig settings, EngineTap tap, LoopControl loop, Logger log, UarpdMetrics metrics) {
        this.section = settings.fleet();
        this.host = section.host() != null ? section.host() : hostname();
        this.groups = groups(settings);
        this.tap = tap;
        this.loop = loop;
        this.log = log;
        this.metrics = metrics;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("uarpd-fleet-directory").unstarted(r));
    }

    /**
     * Joins the fleet of {@code settings} (its {@code [fleet]} must be enabled): returns at once; groups
     * are claimed and announced as soon as etcd answers. Call after the backend has started.
     */
    public static FleetView start(UarpdConfig settings, EngineTap tap, LoopControl loop, Logger log, UarpdMetrics metrics) {
        return start(settings, tap, loop, log, metrics, null);
    }

    /**
     * As {@link #start(UarpdConfig, EngineTap, LoopControl, Logger, UarpdMetrics)}, in a successor started by
     * {@code uarpctl restart}: with {@code carryOnLease} (hex, from {@link FleetView#LEASE_ENVIRONMENT}) it
     * keeps the predecessor's lease alive and waits for {@link #adopt} instead of claiming.
     */
    public static FleetView start(UarpdConfig settings, EngineTap tap, LoopControl loop, Logger log, UarpdMetrics metrics, String carryOnLease) {
        FleetBridge b = new FleetBridge(settings, tap, loop, log, metrics);
        loop.execute(() -> tap.watchNeighbors(b::neighbor));
        long lease = 0;
        if (carryOnLease != null && !carryOnLease.isEmpty()) {
            try {
                lease = Long.parseUnsignedLong(carryOnLease, 16);
            } catch (NumberFormatException e) {
                log.warn("fleet: {}={} is not a lease id; taking a lease of its own", LEASE_ENVIRONMENT, carryOnLease);
            }
        }
        b.fleet = lease != 0 ? Fleet.carryOn(b.config(), b, lease) : Fleet.start(b.config(), b);
        if (metrics != null) metrics.enableFleet();
        b.ticker.scheduleWithFixedDelay(b::tick, 0, DIRECTORY_PERIOD_MS, TimeUnit.MILLISECONDS);
        log.info("fleet {} as {}: {} group(s) {} via {}; answers on behalf of others {}", b.section.name(), b.host, b.groups.size(),
                b.groups.keySet(), b.section.endpoints(), b.section.answerOnBehalf() ? "while etcd answers" : "off");
        return b;
    }

    /** The fleet's checks name the key ("lease-ttl: ..."); the daemon adds where it came from. */
    private FleetConfig config() {
        Duration ttl = Duration.ofNanos(section.leaseTtlNanos());
        Duration margin = section.leaseMarginNanos() < 0 ? ttl.dividedBy(4) : Duration.ofNanos(section.leaseMarginNanos());
        try {
            return new FleetConfig(section.endpoints(), section.name(), section.prefix(), host, ttl, margin,
                    section.announceNanos().stream().map(Duration::ofNanos).toList(), List.copyOf(groups.keySet()),
                    Duration.ofNanos(section.requestTimeoutNanos()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fleet " + e.getMessage(), e);
        }
    }

    /** Group → its entries on this host's links, in config order. */
    private static Map<String, List<Member>> groups(UarpdConfig settings) {
        Map<String, List<Member>> out = new LinkedHashMap<>();
        for (LinkSection l : settings.links().values()) {
            for (PublishedEntry e : l.policy().published()) {
                String g = settings.fleet().groupOf(e);
                if (g != null) out.computeIfAbsent(g, k -> new ArrayList<>()).add(new Member(l.name(), e));
            }
        }
        return out;
    }

    /** The kernel's host name (this UTS namespace's), without asking DNS. */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("fleet: cannot read the host name (" + e.getMessage() + "); set host in [fleet]");
        }
    }

    @Override
    public void gained(String group, long revision) {
        revisions.put(group, revision);
        log.info("fleet: this host now answers for {} (revision {})", group, revision);
        loop.execute(() -> {
            if (silent) return; // stopping: the fleet hands this group on as it closes
            List<Placed> now = new ArrayList<>();
            for (Member m : groups.getOrDefault(group, List.of())) {
                int index = loop.indexOf(m.link());
                // Index 0 would publish on every link: a link that is gone gets the entry when the group is next gained.
                if (index == 0) {
                    log.warn("fleet: {} is not present; {} is not answered there", m.link(), group);
                    continue;
                }
                tap.command(loop.nanoTime(), new OperatorCommand.Publish(index, m.entry()), loop);
                now.add(new Placed(index, m.entry()));
            }
            List<Placed> before = placed.put(group, now);
            if (before != null) withdrawEntries(before);
        });
        refreshMetrics();
    }

    @Override
    public void announce(String group, long revision, int index) {
        loop.execute(() -> {
            if (!placed.containsKey(group)) return; // lost in the meantime
            for (Placed p : placed.get(group)) {
                if (p.entry().target() instanceof PublishedEntry.Target.Address a) {
                    tap.command(loop.nanoTime(), new OperatorCommand.Announce(p.index(), a.address(), 1, 0, p.entry().hardware(), true), loop);
                }
            }
        });
    }

    @Override
    public void lost(String group, String reason) {
        revisions.remove(group);
        loop.execute(() -> {
            List<Placed> was = placed.remove(group);
            if (was != null) withdrawEntries(was);
        });
        log.warn("fleet: this host no longer answers for {}: {}", group, reason);
        refreshMetrics();
    }

    @Override
    public void healthChanged(boolean connected) {
        if (connected) reachable.complete(null);
        if (connected) log.info("fleet: etcd reachable again");
        else log.warn("fleet: etcd unreachable; owned groups fall silent before their lease can expire, the directory copy keeps serving");
        // Answers on behalf need each writer's lease to be alive, which only a reachable etcd shows;
        // the copy stays as hints for kernel misses, which fall back to broadcast on their own. Where
        // the operator keeps them off ([fleet] answer-on-behalf), the engine is never told to answer.
        boolean answers = connected && section.answerOnBehalf();
        loop.execute(() -> tap.command(loop.nanoTime(), new OperatorCommand.DirectoryAnswers(answers), loop));
        refreshMetrics();
    }

    /** Another host's binding entered, changed or left the directory copy: the engine's copy follows. */
    @Override
    public void bindingChanged(InetAddress ip, Binding now) {
        if (ip.getAddress().length != 4) return;
        int address = Ip4.read(ip.getAddress(), 0);
        OperatorCommand c;
        if (now == null || now.host().equals(host)) {
            c = new OperatorCommand.DirectoryGone(address);
        } else {
            try {
                c = new OperatorCommand.DirectoryKnown(address, HardwareAddress.parse(now.mac()));
            } catch (IllegalArgumentException e) {
                log.warn("fleet: directory binding of {} from {} not used: {}", ip.getHostAddress(), now.host(), e.getMessage());
                c = new OperatorCommand.DirectoryGone(address);
            }
        }
        OperatorCommand command = c;
        loop.execute(() -> tap.command(loop.nanoTime(), command, loop));
    }

    /**
     * Loop thread: a neighbour the engine confirmed (installed REACHABLE) goes into the directory,
     * unless the directory already says the same; one installed at another address, or removed, is
     * withdrawn. Only what this host wrote is withdrawn ({@link Fleet#withdraw} checks the value).
     */
    private void neighbor(Action a) {
        Fleet f = fleet;
        if (f == null) return;
        switch (a) {
            case Action.InstallNeighbor i -> {
                InetAddress ip = inet(i.address());
                Binding mine = confirmed.get(ip);
                String mac = i.hardware().toString();
                if (i.state() == NeighborState.REACHABLE) {
                    if (mine != null && mine.mac().equals(mac)) return;
                    if (f.lookup(ip).map(b -> b.mac().equals(mac)).orElse(false)) {
                        if (mine != null) withdrawConfirmed(f, ip);
                        return;
                    }
                    Binding b = new Binding(ip, mac, host, loop.nameOf(i.link()));
                    confirmed.put(ip, b);
                    f.publish(b);
                } else if (mine != null && !mine.mac().equals(mac)) {
                    withdrawConfirmed(f, ip);
                }
            }
            case Action.RemoveNeighbor r -> {
                InetAddress ip = inet(r.address());
                if (confirmed.containsKey(ip)) withdrawConfirmed(f, ip);
            }
            default -> { }
        }
    }

    private void withdrawConfirmed(Fleet f, InetAddress ip) {
        confirmed.remove(ip);
        f.withdraw(ip);
    }

    /** Loop thread. */
    private void withdrawEntries(List<Placed> entries) {
        for (Placed p : entries) tap.command(loop.nanoTime(), new OperatorCommand.Unpublish(p.index(), p.entry()), loop);
    }

    /** Directory upkeep and metrics, on the ticker. */
    private void tick() {
        try {
            loop.execute(this::syncDirectory);
            refreshMetrics();
        } catch (RuntimeException e) {
            log.warn("fleet: directory upkeep failed: {}", e.toString());
        }
    }

    /** Loop thread: writes the host's own addresses into the directory and withdraws those it no longer holds. */
    private void syncDirectory() {
        Fleet f = fleet;
        if (f == null) return;
        Map<InetAddress, Binding> now = new HashMap<>();
        List<LinkInfo> links = loop.linkInfo();
        for (long[] pair : loop.addresses()) {
            for (LinkInfo l : links) {
                if (l.index() != pair[0] || l.hardware() == null) continue;
                InetAddress ip = inet((int) pair[1]);
                now.put(ip, new Binding(ip, l.hardware().toString(), host, l.name()));
            }
        }
        for (Binding b : now.values()) if (!b.equals(written.get(b.ip()))) f.publish(b);
        for (InetAddress ip : written.keySet()) if (!now.containsKey(ip)) f.withdraw(ip);
        written.clear();
        written.putAll(now);
    }

    private static InetAddress inet(int address) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private void refreshMetrics() {
        Fleet f = fleet;
        if (metrics == null || f == null) return;
        FleetHealth h = f.health();
        metrics.fleet(h.connected(), h.owned().size(), h.directorySize(), h.takeovers(), h.losses(), h.storeErrors());
    }

    @Override
    public Response.Fleet show() {
        FleetHealth h = fleet.health();
        TreeSet<String> members = new TreeSet<>(h.owners().values());
        members.add(host);
        TreeSet<String> names = new TreeSet<>(groups.keySet());
        names.addAll(h.owners().keySet());
        List<Response.FleetOwner> owners = names.stream()
                .map(g -> new Response.FleetOwner(g, h.owners().get(g), h.owned().contains(g) ? revisions.get(g) : null)).toList();
        return new Response.Fleet(section.name(), host, h.connected(), h.lastContact() == null ? null : h.lastContact().toString(),
                h.leaseId(), h.leaseTtlSeconds(), Durations.format(config().leaseMargin().toNanos()), List.copyOf(members),
                List.copyOf(new TreeSet<>(h.owned())), owners, h.directorySize(), h.gains(), h.takeovers(), h.losses(),
                h.storeErrors(), h.malformed(), h.relists());
    }

    @Override
    public void handOver() {
        silent = true;
        try {
            silence(() -> { }).get(SILENCE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("fleet: the loop did not take the groups back within {} ms; they are handed over once it has stopped", SILENCE_WAIT_MS);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        log.info("fleet: stopping; the loop no longer answers for {}, handing the groups over", groups.keySet());
        close();
    }

    @Override
    public String lease() {
        long id = fleet.health().leaseId();
        return id == 0 ? null : Long.toHexString(id);
    }

    @Override
    public void awaitReachable(long millis) {
        try {
            reachable.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            log.warn("fleet: etcd has not answered within {} ms; the groups are passed on all the same", millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void passOn(java.util.function.Consumer<String> send) {
        silent = true;
        String tenure = fleet.passOn().encode();
        // The loop withdraws the entries and sends in one turn: the successor hears the moment this loop is silent.
        java.util.concurrent.CompletableFuture<Void> sent = silence(() -> send.accept(tenure));
        try {
            sent.get(SILENCE_WAIT_MS, TimeUnit.MILLISECONDS);
            log.info("fleet: the loop no longer answers for {}; lease and groups passed on to the successor ({})", groups.keySet(), tenure);
        } catch (java.util.concurrent.ExecutionException e) {
            adopt(tenure); // the successor did not get them: this uarpd carries on
            throw new IllegalStateException("could not pass the fleet's groups on: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            // A stuck loop: it sends once it runs again, after withdrawing; if it never does, the lease lapses after this uarpd exits.
            log.warn("fleet: the loop did not pass the groups on within {} ms", SILENCE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void adopt(String tenure) {
        silent = false;
        Tenure t = tenure == null ? new Tenure(0, 0, Map.of()) : Tenure.decode(tenure);
        log.info("fleet: carrying on with {}", tenure == null ? "nothing passed on; claiming as usual" : "lease and groups " + tenure);
        fleet.adopt(t);
    }

    /** Has the loop take every owned group's entries out of the engine, then run {@code then}, in one turn; completes after. */
    private java.util.concurrent.CompletableFuture<Void> silence(Runnable then) {
        java.util.concurrent.CompletableFuture<Void> quiet = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            for (List<Placed> was : placed.values()) withdrawEntries(was);
            placed.clear();
            try {
                then.run();
                quiet.complete(null);
            } catch (RuntimeException e) {
                quiet.completeExceptionally(e);
            }
        });
        return quiet;
    }

    /** Silence first (the fleet stops claiming and the loop withdraws every entry), then the hand-over. */
    @Override
    public void close() {
        ticker.shutdownNow();
        Fleet f = fleet;
        if (f != null) f.close();
    }
}
