package org.uarpd.fleet;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A local copy of every key under one prefix: a full read, then a watch from the revision after it,
 * so no change between the two is missed. When the watch ends (its start revision was compacted
 * away, or the server cancelled it) the copy is read again and only the differences are reported,
 * so consumers see one consistent stream of changes. While etcd is unreachable the copy stays as it
 * was; the client library resumes the watch itself when the connection returns.
 *
 * <p>Everything runs on the fleet's executor and {@link Changes} is called there; only
 * {@link #get} and {@link #snapshot} may be called from other threads.
 */
final class PrefixMirror {

    /** One key changed: {@code before} or {@code after} is null for a creation or a deletion. */
    interface Changes {
        void changed(String suffix, KeyValue before, KeyValue after);

        /** The copy was (re-)read in full. */
        default void listed() {}
    }

    private final Client client;
    private final String prefix;
    private final ByteSequence prefixKey;
    private final ScheduledExecutorService executor;
    private final Changes changes;
    private final FleetCounters counters;
    private final long retryMillis;
    private final long timeoutMillis;
    private final Map<String, KeyValue> copy = new ConcurrentHashMap<>();
    private Watch.Watcher watcher;
    private int generation;
    private boolean closed;

    PrefixMirror(Client client, String prefix, ScheduledExecutorService executor, Changes changes,
            FleetCounters counters, long retryMillis, long timeoutMillis) {
        this.client = client;
        this.prefix = prefix;
        this.prefixKey = bytes(prefix);
        this.executor = executor;
        this.changes = changes;
        this.counters = counters;
        this.retryMillis = retryMillis;
        this.timeoutMillis = timeoutMillis;
    }

    /** Reads the prefix and starts watching; retries until etcd answers. */
    void start() {
        if (closed) return;
        int gen = ++generation;
        client.getKVClient().get(prefixKey, GetOption.builder().isPrefix(true).build())
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    if (closed || gen != generation) return;
                    if (e != null) {
                        counters.storeErrors.incrementAndGet();
                        executor.schedule(this::start, retryMillis, TimeUnit.MILLISECONDS);
                        return;
                    }
                    replace(r);
                    watchFrom(r.getHeader().getRevision() + 1, gen);
                }, executor);
    }

    KeyValue get(String suffix) {
        return copy.get(suffix);
    }

    Map<String, KeyValue> snapshot() {
        return Map.copyOf(copy);
    }

    void close() {
        closed = true;
        if (watcher != null) watcher.close();
    }

    private void replace(GetResponse r) {
        Map<String, KeyValue> fresh = new HashMap<>();
        for (KeyValue kv : r.getKvs()) fresh.put(suffix(kv), kv);
        for (String gone : new HashSet<>(copy.keySet())) {
            if (!fresh.containsKey(gone)) changes.changed(gone, copy.remove(gone), null);
        }
        for (Map.Entry<String, KeyValue> e : fresh.entrySet()) {
            KeyValue before = copy.put(e.getKey(), e.getValue());
            if (before == null || before.getModRevision() != e.getValue().getModRevision())
                changes.changed(e.getKey(), before, e.getValue());
        }
        changes.listed();
    }

    private void watchFrom(long revision, int gen) {
        if (watcher != null) watcher.close();
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
        watcher = client.getWatchClient().watch(prefixKey, option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                executor.execute(() -> apply(response, gen));
            }

            @Override
            public void onError(Throwable t) {
                executor.execute(() -> relist(gen));
            }

            @Override
            public void onCompleted() {
                executor.execute(() -> relist(gen));
            }
        });
    }

    private void apply(WatchResponse response, int gen) {
        if (closed || gen != generation) return;
        for (WatchEvent ev : response.getEvents()) {
            KeyValue kv = ev.getKeyValue();
            String suffix = suffix(kv);
            switch (ev.getEventType()) {
                case PUT -> changes.changed(suffix, copy.put(suffix, kv), kv);
                case DELETE -> {
                    KeyValue before = copy.remove(suffix);
                    if (before != null) changes.changed(suffix, before, null);
                }
                default -> counters.malformed.incrementAndGet();
            }
        }
    }

    private void relist(int gen) {
        if (closed || gen != generation) return;
        counters.relists.incrementAndGet();
        executor.schedule(this::start, retryMillis, TimeUnit.MILLISECONDS);
    }

    private String suffix(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
