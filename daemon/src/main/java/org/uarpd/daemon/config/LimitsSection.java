package org.uarpd.daemon.config;

import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.RateLimit;

/** {@code [limits]}: table bounds and request rate limits (token buckets: {@code { burst = N, per-second = R }}). */
public record LimitsSection(int maxEntries, int maxStaticEntries, int maxPending, RateLimit linkRequests, RateLimit targetRequests) {
    public static final LimitsSection DEFAULT = defaults();

    private static LimitsSection defaults() {
        EngineConfig d = EngineConfig.defaults();
        return new LimitsSection(d.maxEntries(), d.maxStaticEntries(), d.maxPending(), d.linkRequests(), d.targetRequests());
    }

    static LimitsSection read(Fields f) {
        LimitsSection d = DEFAULT;
        int entries = (int) f.integer("max-entries", d.maxEntries, 1, 1 << 28);
        int statics = (int) f.integer("max-static-entries", d.maxStaticEntries, 0, 1 << 28);
        int pending = (int) f.integer("max-pending", d.maxPending, 1, 1 << 20);
        return new LimitsSection(entries, statics, pending, rate(f, "link-requests", d.linkRequests), rate(f, "target-requests", d.targetRequests));
    }

    private static RateLimit rate(Fields f, String key, RateLimit fallback) {
        Fields t = f.table(key);
        if (t == null) return fallback;
        int burst = (int) t.integer("burst", fallback.burst(), 1, 1_000_000);
        double perSecond = t.number("per-second", fallback.perSecond(), 0);
        t.finish();
        return new RateLimit(burst, perSecond);
    }
}
