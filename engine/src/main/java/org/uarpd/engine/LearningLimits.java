package org.uarpd.engine;

import java.util.Objects;

/**
 * How much a link may learn from requests (RFC 826's "the requester is worth knowing"), so that a
 * flood of requests from forged senders can neither fill the kernel's neighbour table nor push out
 * the bindings the host uses. Applies to each link separately.
 *
 * <p>An entry is "learnt only" while nothing but a request vouches for it: it leaves that set as soon
 * as the kernel asks for it (a miss), uarpd needs it, or a reply sent to us confirms it. Only such
 * entries count against {@code maxLearnt}, and they are the first to go: the least recently used
 * learnt-only entry is evicted to make room for a new one, and when the whole table is full a
 * learnt-only entry is evicted before any entry the host uses (and a new learnt-only entry is
 * refused rather than evict one the host uses).
 *
 * @param rate      new entries learnt from requests per link: burst, then steady rate (over it the
 *                  requester is answered but not learnt, event IGNORED/LEARN_RATE_LIMITED)
 * @param maxLearnt learnt-only entries kept per link. Keep it well below the kernel's
 *                  {@code net.ipv4.neigh.default.gc_thresh3} (1024 by default): the engine reads no
 *                  sysctl, so a backend that does derives it with {@link #belowKernelLimit}.
 */
public record LearningLimits(RateLimit rate, int maxLearnt) {
    public LearningLimits {
        Objects.requireNonNull(rate, "rate");
        if (maxLearnt < 0) throw new IllegalArgumentException("maxLearnt must not be negative, got " + maxLearnt);
    }

    /** 32 new learnt entries a second (burst 64), at most 256 learnt-only entries a link. */
    public static LearningLimits defaults() {
        return new LearningLimits(new RateLimit(64, 32), 256);
    }

    /**
     * The same rate, with the cap at most a quarter of the kernel's hard limit ({@code gc_thresh3})
     * shared among {@code links} links (at least 1 each, and never above this cap): the other three
     * quarters stay for the entries the host itself resolves, which uarpd cannot count ahead (the
     * kernel's table is shared by every network namespace), so learning from requests alone can never
     * fill it.
     */
    public LearningLimits belowKernelLimit(int gcThresh3, int links) {
        if (gcThresh3 < 1) throw new IllegalArgumentException("gc_thresh3 must be positive, got " + gcThresh3);
        if (links < 1) throw new IllegalArgumentException("links must be at least 1, got " + links);
        return new LearningLimits(rate, Math.min(maxLearnt, Math.max(1, gcThresh3 / 4 / links)));
    }
}
