package org.uarpd.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Fleet} on etcd v3. One lease per host carries everything the host holds: its ownership
 * keys ({@code .../owners/<group>} = host) and its directory entries. A group is claimed with a
 * transaction that writes the key only if it does not exist ({@code create_revision == 0}); the
 * revision of that write is the owner's fencing token, and {@link LeaseDeadline} bounds how long
 * the host may act on it without hearing from etcd. A watch on the owners prefix brings a deleted
 * key (revoked or expired lease) to every host at once, and the free ones race to claim it. A stopping
 * owner first tries to hand each group straight to a standby ({@link Standbys}): the key is rewritten
 * to the standby under the standby's lease, whose watch sees it and answers without a claim of its own.
 * Every write of an ownership key gives it a new mod revision, and that revision is the owner's
 * fencing token.
 *
 * <p>All state changes run on one thread; {@link #mayAnswer}, {@link #lookup} and {@link #health}
 * read concurrent structures and may be called from anywhere.
 */
final class EtcdFleet implements Fleet {

    private static final Logger log = LoggerFactory.getLogger(EtcdFleet.class);

    private final FleetConfig config;
    private final FleetListener listener;
    private final Client client;
    private final ScheduledExecutorService executor;
    private final FleetCounters counters = new FleetCounters();
    private final LeaseDeadline deadline;
    private final Map<String, Long> owned = new ConcurrentHashMap<>();
    private final Set<String> claiming = new HashSet<>();
    private final Map<String, String> previousOwner = new HashMap<>();
    private final PrefixMirror owners;
    private final PrefixMirror bindings;
    private final Directory directory;
    private final Standbys standbys;
    private final long timeoutMillis;
    private long leaseId;
    /** The lease whose member key and directory entries were last written. */
    private long announcedLease;
    /** Claims and gains wait: a restarted process keeps its predecessor's lease alive until told what it owns ({@link #adopt}). */
    private boolean passive;
    /** {@link #passOn} ran: this process keeps and revokes nothing, its successor carries the lease. */
    private volatile boolean passedOn;
    private volatile long grantedTtl;
    private boolean granting;
    private ScheduledFuture<?> deadlineCheck;
    private volatile long lastContactNanos;
    private volatile Instant lastContact;
    private volatile boolean connected;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private EtcdFleet(FleetConfig config, FleetListener listener) {
        this.config = config;
        this.listener = listener;
        this.timeoutMillis = config.requestTimeout().toMillis();
        this.deadline = new LeaseDeadline(config.leaseMargin().toNanos());
        this.client = Client.builder().endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(config.requestTimeout()).build();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "uarpd-fleet");
            t.setDaemon(true);
            return t;
        });
        long retry = config.keepaliveInterval().toMillis();
        this.directory = new Directory(config, client.getKVClient(), counters, listener);
        this.owners = new PrefixMirror(client, config.areaPrefix("owners"), executor, this::ownerChanged, counters, retry, timeoutMillis);
        this.bindings = new PrefixMirror(client, config.areaPrefix("bindings"), executor, directory, counters, retry, timeoutMillis);
        this.standbys = new Standbys(config, client, executor, counters, retry);
    }

    /** With {@code adoptedLease} 0 the host takes a lease of its own; else it keeps that one alive, passive until {@link #adopt}. */
    static EtcdFleet start(FleetConfig config, FleetListener listener, long adoptedLease) {
        EtcdFleet f = new EtcdFleet(config, listener);
        f.executor.execute(() -> {
            if (adoptedLease != 0) {
                f.leaseId = adoptedLease;
                f.passive = true;
                f.deadline.adopted(adoptedLease, System.nanoTime());
                log.info("fleet {}: carrying on under lease {} of the uarpd this one replaces", config.name(), Long.toHexString(adoptedLease));
            }
            f.owners.start();
            f.bindings.start();
            f.standbys.start();
        });
        f.executor.scheduleWithFixedDelay(f::tick, 0, config.keepaliveInterval().toNanos(), TimeUnit.NANOSECONDS);
        log.info("fleet {}: joining as {} through {} (lease TTL {} s, groups {})", config.name(), config.host(),
                config.endpoints(), config.leaseTtl().toSeconds(), config.groups());
        return f;
    }

    @Override
    public boolean mayAnswer(String group) {
        return owned.containsKey(group) && deadline.live(System.nanoTime());
    }

    @Override
    public Optional<Binding> lookup(InetAddress ip) {
        return directory.lookup(ip);
    }

    @Override
    public void publish(Binding binding) {
        if (!binding.host().equals(config.host()))
            throw new IllegalArgumentException("a host publishes only its own bindings: " + binding.host() + " is not " + config.host());
        executor.execute(() -> directory.publish(binding));
    }

    @Override
    public void withdraw(InetAddress ip) {
        executor.execute(() -> directory.withdraw(ip));
    }

    @Override
    public FleetHealth health() {
        Map<String, String> view = new HashMap<>();
        owners.snapshot().forEach((g, kv) -> view.put(g, kv.getValue().toString(StandardCharsets.UTF_8)));
        Set<String> now = new HashSet<>();
        for (String g : owned.keySet()) if (mayAnswer(g)) now.add(g);
        return new FleetHealth(connected, lastContact, deadline.leaseId(), grantedTtl, Set.copyOf(now), Map.copyOf(view),
                directory.size(), counters.gains.get(), counters.takeovers.get(), counters.losses.get(),
                counters.storeErrors.get(), counters.malformed.get(), counters.relists.get());
    }

    // ---- lease ---------------------------------------------------------------------------------

    private void tick() {
        if (closed || (passedOn && leaseId == 0)) return; // passed on: keepalives go on until exit, a lost lease is not replaced
        if (leaseId != 0) keepAlive();
        else if (!granting) grant();
        enforceDeadline();
        boolean nowConnected = lastContactNanos != 0 && System.nanoTime() - lastContactNanos < config.leaseTtl().toNanos();
        if (nowConnected != connected) {
            connected = nowConnected;
            if (nowConnected) log.info("fleet {}: etcd reachable again", config.name());
            else log.warn("fleet {}: etcd not answering for {} s; answering from what is known, owned groups released",
                    config.name(), config.leaseTtl().toSeconds());
            listener.healthChanged(nowConnected);
        }
    }

    private void grant() {
        granting = true;
        long sent = System.nanoTime();
        client.getLeaseClient().grant(config.leaseTtl().toSeconds())
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    granting = false;
                    if (closed) {
                        if (e == null) client.getLeaseClient().revoke(r.getID());
                        return;
                    }
                    if (e != null) {
                        counters.storeErrors.incrementAndGet();
                        return;
                    }
                    contact();
                    leaseId = r.getID();
                    grantedTtl = r.getTTL();
                    deadline.granted(leaseId, sent, r.getTTL());
                    armDeadlineCheck();
                    log.info("fleet {}: lease {} granted, TTL {} s", config.name(), Long.toHexString(leaseId), r.getTTL());
                    announce();
                    claimAll();
                }, executor);
    }

    private void keepAlive() {
        long id = leaseId;
        long sent = System.nanoTime();
        client.getLeaseClient().keepAliveOnce(id)
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    if (closed || id != leaseId) return;
                    if (e != null) {
                        if (leaseUnknown(e)) {
                            contact();
                            leaseGone("lease expired in etcd");
                        } else {
                            counters.storeErrors.incrementAndGet();
                        }
                        return;
                    }
                    contact();
                    if (r.getTTL() <= 0) {
                        leaseGone("lease expired in etcd");
                        return;
                    }
                    deadline.renewed(id, sent, r.getTTL());
                    if (grantedTtl == 0) grantedTtl = r.getTTL();
                    if (announcedLease != id) announce();
                    armDeadlineCheck();
                    claimFree();
                }, executor);
    }

    /** Under a new (or newly adopted) lease: this host's member key and its own bindings are written under it. */
    private void announce() {
        announcedLease = leaseId;
        directory.leased(leaseId);
        standbys.join(leaseId);
    }

    private static boolean leaseUnknown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchLeaseException) return true;
            if (t instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) return true;
        }
        return false;
    }

    private void contact() {
        lastContactNanos = System.nanoTime();
        lastContact = Instant.now();
    }

    private void leaseGone(String reason) {
        log.warn("fleet {}: {}; taking a new lease", config.name(), reason);
        leaseId = 0;
        announcedLease = 0;
        grantedTtl = 0;
        deadline.dropped();
        directory.unleased();
        loseAll(reason);
        executor.execute(this::tick);
    }

    /** Tells the listener at the deadline, not a tick later; {@link #mayAnswer} needs no such help. */
    private void armDeadlineCheck() {
        if (deadlineCheck != null) deadlineCheck.cancel(false);
        long wait = Math.max(0, deadline.remaining(System.nanoTime()));
        deadlineCheck = executor.schedule(this::enforceDeadline, wait, TimeUnit.NANOSECONDS);
    }

    private void enforceDeadline() {
        if (!owned.isEmpty() && !deadline.live(System.nanoTime()))
            loseAll("no keepalive answered for " + (config.leaseTtl().minus(config.leaseMargin())).toMillis()
                    + " ms: the lease may be about to expire");
    }

    // ---- ownership ----------------------------------------------------------------------------

    /** Claims every configured group that looks free (or still carries this host's lease). */
    private void claimFree() {
        if (closed || passive || leaseId == 0 || !roomToClaim()) return;
        for (String group : config.groups()) {
            if (owned.containsKey(group) || claiming.contains(group)) continue;
            KeyValue kv = owners.get(group);
            if (kv == null || kv.getLease() == leaseId) claim(group);
        }
    }

    /**
     * Under a new lease, asks for every configured group whatever the copy says: the transaction decides
     * (it fails, as a read, where another host holds the key). A standby thereby runs its claim path once
     * before a failover needs it, so the takeover does not wait for the client library's transaction
     * classes and their first marshalling on a cold thread.
     */
    private void claimAll() {
        if (closed || passive || leaseId == 0 || !roomToClaim()) return;
        for (String group : config.groups()) if (!owned.containsKey(group) && !claiming.contains(group)) claim(group);
    }

    /**
     * Whether the lease has at least two keepalive intervals left: a group gained with less would
     * most likely be lost again before the next answer (seen on a loaded machine right after start,
     * when the first round trips are slow).
     */
    private boolean roomToClaim() {
        return deadline.remaining(System.nanoTime()) > 2 * config.keepaliveInterval().toNanos() && deadline.live(System.nanoTime());
    }

    private void claim(String group) {
        claiming.add(group);
        long id = leaseId;
        ByteSequence key = PrefixMirror.bytes(config.key("owners", group));
        client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, PrefixMirror.bytes(config.host()), PutOption.builder().withLeaseId(id).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    claiming.remove(group);
                    if (e != null) {
                        counters.storeErrors.incrementAndGet();
                        return;
                    }
                    contact();
                    if (closed || passive || id != leaseId || !deadline.live(System.nanoTime())) return;
                    // Won but too close to the deadline to keep it: the key stays with this lease and the next
                    // answered keepalive gains it through the existing-key path below, without a flap.
                    if (!roomToClaim()) return;
                    if (r.isSucceeded()) {
                        gain(group, r.getHeader().getRevision());
                        return;
                    }
                    List<KeyValue> kvs = r.getGetResponses().getFirst().getKvs();
                    // The key survived from this lease (etcd was unreachable for a while, but not for long
                    // enough for the lease to expire): ownership never left this host.
                    if (!kvs.isEmpty() && kvs.getFirst().getLease() == id) gain(group, kvs.getFirst().getModRevision());
                }, executor);
    }

    private void gain(String group, long revision) {
        if (owned.putIfAbsent(group, revision) != null) return;
        counters.gains.incrementAndGet();
        // The watch may report this host's own key before the claim's answer arrives: remember only others.
        String before = previousOwner.remove(group);
        if (before != null) counters.takeovers.incrementAndGet();
        log.info("fleet {}: answering for {} (revision {}{})", config.name(), group, revision,
                before != null ? ", taken over from " + before : "");
        listener.gained(group, revision);
        List<Duration> schedule = config.announceSchedule();
        for (int i = 0; i < schedule.size(); i++) {
            int index = i;
            executor.schedule(() -> {
                Long rev = owned.get(group);
                if (rev != null && rev == revision && deadline.live(System.nanoTime())) listener.announce(group, revision, index);
            }, schedule.get(i).toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void lose(String group, String reason) {
        if (owned.remove(group) == null) return;
        counters.losses.incrementAndGet();
        log.warn("fleet {}: no longer answering for {}: {}", config.name(), group, reason);
        listener.lost(group, reason);
    }

    private void loseAll(String reason) {
        for (String g : List.copyOf(owned.keySet())) lose(g, reason);
    }

    /**
     * The owners watch: fencing on the key's mod revision (any later write of the key ends this host's
     * right), a claim the moment a key goes away, and a gain the moment a stopping owner hands a group
     * to this host (the key names it, under its lease).
     */
    private void ownerChanged(String group, KeyValue before, KeyValue after) {
        Long mine = owned.get(group);
        if (after == null) {
            if (mine == null && config.groups().contains(group) && !passive) log.info("fleet {}: {} has no owner now; claiming it", config.name(), group);
            if (mine != null) lose(group, "ownership key deleted");
            claimFree();
            return;
        }
        String host = after.getValue().toString(StandardCharsets.UTF_8);
        if (mine != null) {
            if (after.getModRevision() != mine) lose(group, "ownership key rewritten for " + host + " at revision " + after.getModRevision());
            return;
        }
        if (!host.equals(config.host())) {
            previousOwner.put(group, host);
            return;
        }
        if (before != null && !before.getValue().toString(StandardCharsets.UTF_8).equals(config.host()))
            previousOwner.put(group, before.getValue().toString(StandardCharsets.UTF_8));
        // Named under this very lease: handed over by its owner (or this host's own claim, seen before its answer).
        if (!closed && !passive && leaseId != 0 && after.getLease() == leaseId && config.groups().contains(group) && roomToClaim())
            gain(group, after.getModRevision());
    }

    @Override
    public Tenure passOn() {
        return onExecutor(() -> {
            passive = true;
            passedOn = true;
            Map<String, Long> held = Map.copyOf(owned);
            loseAll("handed to this host's successor");
            log.info("fleet {}: lease {} and {} passed on to this host's successor", config.name(), Long.toHexString(leaseId), held.keySet());
            return new Tenure(leaseId, deadline.deadline(), held);
        });
    }

    @Override
    public void adopt(Tenure tenure) {
        onExecutor(() -> {
            passedOn = false;
            passive = false;
            if (closed) return null;
            if (leaseId == 0 || tenure.leaseId() != leaseId) {
                log.warn("fleet {}: lease {} passed on is not the one held ({}); claiming as usual", config.name(),
                        Long.toHexString(tenure.leaseId()), Long.toHexString(leaseId));
                claimAll();
                return null;
            }
            deadline.inherited(leaseId, tenure.deadlineNanos());
            armDeadlineCheck();
            for (Map.Entry<String, Long> e : tenure.groups().entrySet()) {
                String group = e.getKey();
                if (!config.groups().contains(group) || owned.containsKey(group)) continue;
                KeyValue kv = owners.get(group);
                if (kv != null && kv.getModRevision() == e.getValue() && kv.getLease() == leaseId && deadline.live(System.nanoTime()))
                    gain(group, e.getValue());
                else if (!claiming.contains(group))
                    claim(group); // the transaction's answer says whether the key is still under this lease
            }
            claimFree();
            return null;
        });
    }

    private <T> T onExecutor(java.util.concurrent.Callable<T> task) {
        try {
            return executor.submit(task).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("fleet " + config.name() + ": " + e, e);
        }
    }

    // ---- stop -----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) return;
        try {
            executor.submit(() -> { stop(); return null; }).get(2 * timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("fleet {}: stopping did not finish cleanly: {}", config.name(), e.toString());
        } finally {
            executor.shutdownNow();
            client.close();
        }
    }

    /**
     * Silence first, then hand over: nobody can take over before this host has stopped answering. Each
     * owned group goes straight to a standby where there is one ({@link Standbys}); then the lease is
     * revoked, which frees whatever could not be handed over for the usual claim. The revoke goes out
     * before the watches are closed, so a standby's wait starts as early as it can.
     */
    private void stop() throws InterruptedException {
        closed = true;
        Map<String, Long> held = Map.copyOf(owned);
        loseAll("host stopping");
        long id = leaseId;
        leaseId = 0;
        deadline.dropped();
        if (passedOn) {
            owners.close();
            bindings.close();
            standbys.close();
            log.info("fleet {}: stopping; lease {} stays with this host's successor", config.name(), Long.toHexString(id));
            return;
        }
        if (id != 0) standbys.handOverAll(held);
        CompletableFuture<?> revoked = id != 0 ? client.getLeaseClient().revoke(id) : null;
        owners.close();
        bindings.close();
        standbys.close();
        if (revoked != null) {
            try {
                revoked.get(timeoutMillis, TimeUnit.MILLISECONDS);
                log.info("fleet {}: lease {} revoked, groups handed over", config.name(), Long.toHexString(id));
            } catch (ExecutionException | TimeoutException e) {
                log.warn("fleet {}: could not revoke lease {} ({}); others take over when it expires",
                        config.name(), Long.toHexString(id), e.toString());
            }
        }
    }
}
