package org.uarpd.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's members ({@code .../members/<host>}: the groups the host publishes, one a line, under its
 * lease) and the direct hand-over a stopping owner makes to one of them.
 *
 * <p>A member key lives exactly as long as its writer's lease, so one that is present names a host whose
 * lease was alive at that revision. The hand-over is one transaction: if the ownership key still has the
 * mod revision this host owns it at, and the chosen standby's member key still has the mod revision seen
 * here (its lease has not ended or been replaced since), the ownership key is rewritten to the standby's
 * name under the standby's lease. The standby's watch sees its own name and lease on the key and starts
 * answering without a transaction of its own; the key's new mod revision is its fencing token. If either
 * comparison fails, nothing is written and the lease's revoke frees the key for the usual claim race.
 */
final class Standbys {

    private static final Logger log = LoggerFactory.getLogger(Standbys.class);
    /**
     * {@code -Duarpd.fleet.directHandOver=false}: a stopping owner only revokes, as before the direct
     * hand-over existed; for measuring one against the other in the same run (FailoverBench).
     */
    private static final boolean DIRECT = !"false".equals(System.getProperty("uarpd.fleet.directHandOver"));

    /** A member that may take a group: its name, lease and the member key's mod revision. */
    record Standby(String host, long leaseId, long memberRevision) {}

    private final FleetConfig config;
    private final KV kv;
    private final FleetCounters counters;
    /** Only the copy is needed: a member's groups are read when a hand-over picks one. */
    private final PrefixMirror mirror;

    Standbys(FleetConfig config, Client client, ScheduledExecutorService executor, FleetCounters counters, long retryMillis) {
        this.config = config;
        this.kv = client.getKVClient();
        this.counters = counters;
        this.mirror = new PrefixMirror(client, config.areaPrefix("members"), executor, (suffix, before, after) -> { }, counters,
                retryMillis, config.requestTimeout().toMillis());
    }

    /** Reads and watches the members (on the fleet's executor). */
    void start() {
        mirror.start();
    }

    void close() {
        mirror.close();
    }

    /** Every member as last seen, this host included. */
    java.util.Set<String> names() {
        return mirror.snapshot().keySet();
    }

    /** Announces this host under {@code leaseId}: the groups it publishes, so others may hand them to it. */
    void join(long leaseId) {
        kv.put(key(config.host()), PrefixMirror.bytes(String.join("\n", config.groups())), PutOption.builder().withLeaseId(leaseId).build())
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> { if (e != null) counters.storeErrors.incrementAndGet(); });
        // A hand-over that cannot succeed (no key has mod revision -1): the stop's transaction then finds the
        // client library's classes loaded and its marshalling run, instead of paying for them on a cold path.
        if (DIRECT) handOver(config.groups().isEmpty() ? "-" : config.groups().getFirst(), -1, new Standby(config.host(), leaseId, -1));
    }

    /**
     * A live member other than this host that publishes {@code group}, or null. Among several the choice
     * is spread by the group's name, so the groups of a stopping host do not all land on one standby.
     */
    Standby pick(String group) {
        List<Standby> candidates = new ArrayList<>();
        for (Map.Entry<String, KeyValue> e : mirror.snapshot().entrySet()) {
            KeyValue m = e.getValue();
            if (e.getKey().equals(config.host()) || m.getLease() == 0) continue;
            List<String> groups = List.of(m.getValue().toString(StandardCharsets.UTF_8).split("\n"));
            if (groups.contains(group)) candidates.add(new Standby(e.getKey(), m.getLease(), m.getModRevision()));
        }
        if (candidates.isEmpty()) return null;
        candidates.sort(Comparator.comparing(Standby::host));
        return candidates.get(Math.floorMod(group.hashCode(), candidates.size()));
    }

    /**
     * Rewrites {@code group}'s ownership key, held by this host at {@code revision}, to {@code to}: true
     * when the transaction succeeded (the standby owns the group from its revision on), false when a
     * guard failed or etcd refused (the caller falls back to revoking).
     */
    CompletableFuture<Boolean> handOver(String group, long revision, Standby to) {
        ByteSequence owner = PrefixMirror.bytes(config.key("owners", group));
        return kv.txn()
                .If(new Cmp(owner, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)),
                        new Cmp(key(to.host()), Cmp.Op.EQUAL, CmpTarget.modRevision(to.memberRevision())))
                .Then(Op.put(owner, PrefixMirror.bytes(to.host()), PutOption.builder().withLeaseId(to.leaseId()).build()))
                .commit()
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((r, e) -> {
                    if (e != null) counters.storeErrors.incrementAndGet();
                    return e == null && r.isSucceeded();
                });
    }

    private ByteSequence key(String host) {
        return PrefixMirror.bytes(config.key("members", host));
    }

    /**
     * Hands each of {@code held} (group → the mod revision this host owns it at) to a standby, one
     * transaction a group, all sent at once; returns once each is answered or timed out, so that a
     * revoke made afterwards cannot overtake them.
     */
    void handOverAll(Map<String, Long> held) throws InterruptedException {
        if (!DIRECT) return;
        Map<String, Standby> chosen = new HashMap<>();
        Map<String, CompletableFuture<Boolean>> sent = new HashMap<>();
        for (Map.Entry<String, Long> e : held.entrySet()) {
            Standby s = pick(e.getKey());
            if (s == null) continue;
            chosen.put(e.getKey(), s);
            sent.put(e.getKey(), handOver(e.getKey(), e.getValue(), s));
        }
        for (Map.Entry<String, CompletableFuture<Boolean>> e : sent.entrySet()) {
            boolean ok;
            try {
                ok = e.getValue().get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                ok = false;
            }
            if (ok) log.info("fleet {}: {} handed over to {}", config.name(), e.getKey(), chosen.get(e.getKey()).host());
            else log.warn("fleet {}: could not hand {} to {}; it goes free with the lease", config.name(), e.getKey(), chosen.get(e.getKey()).host());
        }
    }
}
