package org.uarpd.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's directory of bindings as this host sees it ({@code .../bindings/<ip>}), and the
 * bindings this host itself contributes. Own entries are tied to the host's lease, so they vanish
 * with it when the host stops or dies, and are written again under each new lease.
 *
 * <p>Every change of the copy is told to the listener ({@link FleetListener#bindingChanged}). Changes
 * and writes run on the fleet's executor; {@link #lookup} and {@link #size} may be
 * called from any thread.
 */
final class Directory implements PrefixMirror.Changes {

    private final FleetConfig config;
    private final KV kv;
    private final FleetCounters counters;
    private final FleetListener listener;
    private final Map<InetAddress, Binding> cache = new ConcurrentHashMap<>();
    private final Map<InetAddress, Binding> own = new HashMap<>();
    private long leaseId;

    Directory(FleetConfig config, KV kv, FleetCounters counters, FleetListener listener) {
        this.config = config;
        this.kv = kv;
        this.counters = counters;
        this.listener = listener;
    }

    Optional<Binding> lookup(InetAddress ip) {
        return Optional.ofNullable(cache.get(ip));
    }

    int size() {
        return cache.size();
    }

    @Override
    public void changed(String suffix, KeyValue before, KeyValue after) {
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(suffix);
        } catch (IllegalArgumentException e) {
            counters.malformed.incrementAndGet();
            return;
        }
        Binding now = null;
        if (after != null) {
            try {
                now = Binding.decode(ip, after.getValue().toString(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                counters.malformed.incrementAndGet();
            }
        }
        Binding was = now == null ? cache.remove(ip) : cache.put(ip, now);
        if (!java.util.Objects.equals(was, now)) listener.bindingChanged(ip, now);
    }

    void publish(Binding b) {
        own.put(b.ip(), b);
        if (leaseId != 0) write(b);
    }

    void withdraw(InetAddress ip) {
        Binding b = own.remove(ip);
        if (b == null) return;
        ByteSequence key = key(ip);
        kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(PrefixMirror.bytes(b.encode()))))
                .Then(Op.delete(key, DeleteOption.DEFAULT)).commit()
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> { if (e != null) counters.storeErrors.incrementAndGet(); });
    }

    /** A new lease: every own binding is written again under it (the old lease took them away). */
    void leased(long id) {
        leaseId = id;
        for (Binding b : own.values()) write(b);
    }

    void unleased() {
        leaseId = 0;
    }

    private void write(Binding b) {
        kv.put(key(b.ip()), PrefixMirror.bytes(b.encode()), PutOption.builder().withLeaseId(leaseId).build())
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> { if (e != null) counters.storeErrors.incrementAndGet(); });
    }

    private ByteSequence key(InetAddress ip) {
        return PrefixMirror.bytes(config.key("bindings", ip.getHostAddress()));
    }
}
