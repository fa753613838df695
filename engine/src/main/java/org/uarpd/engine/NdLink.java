package org.uarpd.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.uarpd.wire.Ip6Address;

/**
 * What the neighbour discovery domain keeps about one link besides the {@link Link} itself: its
 * {@link NdLinkPolicy}, the host's IPv6 addresses there with their duplicate address detection state
 * (RFC 4862 §5.4), and the IPv6 entries published on it.
 */
final class NdLink {
    /** An address being checked by DAD: never answered for, never used as a source (RFC 4862 §5.4). */
    static final byte TENTATIVE = 1;
    /** An address DAD passed (or that needed none): ours to answer for. */
    static final byte PREFERRED = 2;
    /** DAD found another host using it; kept (reported) when the policy does not remove it. */
    static final byte DUPLICATE = 3;

    final int id;
    NdLinkPolicy policy;
    final List<NdPublished> published = new ArrayList<>();

    long[] high = new long[2];
    long[] low = new long[2];
    int[] prefix = new int[2];
    byte[] state = new byte[2];
    /** RFC 7527 nonce of the address's DAD probes. */
    long[] nonce = new long[2];
    /** DAD probes still to send. */
    int[] remaining = new int[2];
    /** The DAD timer (an auxiliary timer id), or 0. */
    int[] timer = new int[2];
    int count;

    NdLink(int id, NdLinkPolicy policy) {
        this.id = id;
        this.policy = policy;
        published.addAll(policy.published());
    }

    int indexOf(long h, long l) {
        for (int i = 0; i < count; i++) {
            if (high[i] == h && low[i] == l) return i;
        }
        return -1;
    }

    /** The state of the host's address ({@code h}, {@code l}) here, or 0 when the host does not hold it. */
    byte stateOf(long h, long l) {
        int i = indexOf(h, l);
        return i < 0 ? 0 : state[i];
    }

    int add(long h, long l, int prefixLength) {
        int i = indexOf(h, l);
        if (i >= 0) {
            prefix[i] = prefixLength;
            return i;
        }
        if (count == high.length) {
            int n = count * 2;
            high = Arrays.copyOf(high, n);
            low = Arrays.copyOf(low, n);
            prefix = Arrays.copyOf(prefix, n);
            state = Arrays.copyOf(state, n);
            nonce = Arrays.copyOf(nonce, n);
            remaining = Arrays.copyOf(remaining, n);
            timer = Arrays.copyOf(timer, n);
        }
        high[count] = h;
        low[count] = l;
        prefix[count] = prefixLength;
        state[count] = 0;
        timer[count] = 0;
        return count++;
    }

    void removeAt(int i) {
        count--;
        int n = count - i;
        System.arraycopy(high, i + 1, high, i, n);
        System.arraycopy(low, i + 1, low, i, n);
        System.arraycopy(prefix, i + 1, prefix, i, n);
        System.arraycopy(state, i + 1, state, i, n);
        System.arraycopy(nonce, i + 1, nonce, i, n);
        System.arraycopy(remaining, i + 1, remaining, i, n);
        System.arraycopy(timer, i + 1, timer, i, n);
    }

    /**
     * The source for a solicitation for ({@code th}, {@code tl}) (RFC 4861 §7.2.2): the address the
     * prompting packet came from, which a kernel miss does not carry; the preferred address whose
     * prefix holds the target stands for it (a global target is almost always reached from the
     * host's address on its prefix, as Linux's solicitation would say), so the target learns the
     * address it will answer to and need not solicit it back. Otherwise {@link #source()}.
     */
    int source(long th, long tl) {
        for (int i = 0; i < count; i++) {
            if (state[i] == PREFERRED && !Ip6Address.isLinkLocal(high[i]) && onPrefixOf(i, th, tl)) return i;
        }
        return source();
    }

    /**
     * The source for a solicitation (RFC 4861 §7.2.2): a preferred link-local address, else any
     * preferred one; -1 when the link has none (nothing can be asked then).
     */
    int source() {
        int any = -1;
        for (int i = 0; i < count; i++) {
            if (state[i] != PREFERRED) continue;
            if (Ip6Address.isLinkLocal(high[i])) return i;
            if (any < 0) any = i;
        }
        return any;
    }

    /** True when ({@code h}, {@code l}) is link-local (always on-link, RFC 4861 §5.2) or on one of the host's prefixes here. */
    boolean onLink(long h, long l) {
        if (Ip6Address.isLinkLocal(h)) return true;
        for (int i = 0; i < count; i++) {
            if (onPrefixOf(i, h, l)) return true;
        }
        return false;
    }

    /** Whether ({@code h}, {@code l}) is on the prefix of the host's address at {@code i}. */
    private boolean onPrefixOf(int i, long h, long l) {
        int p = prefix[i];
        return ((h ^ high[i]) & Cidr6.maskHigh(p)) == 0 && ((l ^ low[i]) & Cidr6.maskLow(p)) == 0;
    }

    /** The most specific entry published here covering the address, or null. */
    NdPublished match(long h, long l) {
        return longest(published, h, l);
    }

    static NdPublished longest(List<NdPublished> entries, long h, long l) {
        NdPublished best = null;
        for (NdPublished e : entries) {
            if (e.covers(h, l) && (best == null || e.range().prefixLength() > best.range().prefixLength())) best = e;
        }
        return best;
    }
}
