package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;
import static org.uarpd.engine.NeighborState.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/**
 * The table as a whole, in our words after the scenarios of gVisor's
 * pkg/tcpip/stack/neighbor_cache_test.go: overflow and LRU eviction, static entries beside the
 * dynamic bound, clearing, resolution failure, timeout and retry.
 */
class NeighborCacheTest {
    static final int SIZE = 8;

    static int peer(int i) {
        return ip("198.51.100.0") + 1 + i;
    }

    static HardwareAddress peerHw(int i) {
        return HardwareAddress.ofLong48(0x0200_0000_1000L + i);
    }

    static Harness cache() {
        // Reachable for ever (well, a day) so that only overflow removes entries.
        EngineConfig c = EngineConfig.defaults().withBounds(SIZE, 4, 64)
                .withTimers(NeighborTimers.defaults().withReachable(24L * 3600 * S).withStaleLifetime(24L * 3600 * S));
        Harness h = new Harness(c);
        h.input(new Input.AddressAdded(LINK, ip("198.51.100.254"), 24));
        h.actions.clear();
        return h;
    }

    /** Resolves peer i through a kernel miss and its reply. */
    static void resolve(Harness h, int i) {
        h.miss(peer(i));
        h.advance(MS);
        h.frame(reply(peerHw(i), peer(i)));
        assertThat(h.state(peer(i))).isEqualTo(REACHABLE);
    }

    /**
     * Resolves {@code count} entries from {@code start} into a full table and checks that each one
     * past the bound evicted exactly the least recently used dynamic entry.
     */
    static void overflow(Harness h, int start, int count) {
        for (int i = start; i < start + count; i++) {
            int dynamicBefore = h.engine.size() - staticCount(h);
            List<Action> before = List.copyOf(h.actions);
            resolve(h, i);
            List<EngineEvent> removed = events(h.actions.subList(before.size(), h.actions.size())).stream()
                    .filter(e -> e.kind() == Kind.REMOVED).toList();
            if (dynamicBefore == SIZE) {
                int victim = peer(i - SIZE);
                assertThat(removed).singleElement().satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.EVICTED);
                    assertThat(e.address()).isEqualTo(victim);
                });
            } else {
                assertThat(removed).isEmpty();
            }
            assertThat(h.engine.size() - staticCount(h)).isLessThanOrEqualTo(SIZE);
        }
    }

    static int staticCount(Harness h) {
        return (int) h.engine.neighbors().stream().filter(n -> n.state() == STATIC).count();
    }

    @Test
    @DisplayName("gVisor cache: overflow evicts the least recently used dynamic entry, one per new entry")
    void overflowEvictsLru() {
        Harness h = cache();
        overflow(h, 0, 3 * SIZE);
        assertThat(h.engine.size()).isEqualTo(SIZE);
        for (int i = 2 * SIZE; i < 3 * SIZE; i++) assertThat(h.state(peer(i))).isEqualTo(REACHABLE);
    }

    @Test
    @DisplayName("gVisor cache: removing an entry then overflowing keeps the dynamic count right")
    void removeThenOverflow() {
        Harness h = cache();
        resolve(h, 0);
        h.command(new OperatorCommand.Flush(LINK));
        assertThat(h.engine.size()).isZero();
        overflow(h, 0, 2 * SIZE);
        assertThat(h.engine.size()).isEqualTo(SIZE);
    }

    @Test
    @DisplayName("gVisor cache: adding the same static entry twice dispatches nothing the second time")
    void duplicateStaticSameAddress() {
        Harness h = cache();
        List<Action> first = h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(0)));
        assertThat(events(first)).extracting(EngineEvent::kind).containsExactly(Kind.ADDED);
        assertThat(h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(0)))).isEmpty();
    }

    @Test
    @DisplayName("gVisor cache: a duplicate static entry with a different address is a change")
    void duplicateStaticDifferentAddress() {
        Harness h = cache();
        h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(0)));
        List<Action> a = h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(1)));
        assertThat(events(a)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.CHANGED);
            assertThat(e.hardware()).isEqualTo(peerHw(1));
            assertThat(e.state()).isEqualTo(STATIC);
        });
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, peer(0), peerHw(1), STATIC));
    }

    @Test
    @DisplayName("gVisor cache: adding then removing a static entry leaves the dynamic bound untouched")
    void removeStaticThenOverflow() {
        Harness h = cache();
        h.command(new OperatorCommand.AddStatic(LINK, peer(100), peerHw(100)));
        List<Action> a = h.command(new OperatorCommand.DeleteStatic(LINK, peer(100)));
        assertThat(events(a)).extracting(EngineEvent::kind).containsExactly(Kind.REMOVED);
        assertThat(only(a, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, peer(100), false));
        overflow(h, 0, 2 * SIZE);
    }

    @Test
    @DisplayName("gVisor cache: overwriting a dynamic entry with a static one (removed, then added) and overflowing keeps the static one")
    void overwriteWithStaticThenOverflow() {
        Harness h = cache();
        resolve(h, 0);
        List<Action> a = h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(99)));
        assertThat(events(a)).extracting(EngineEvent::kind).containsExactly(Kind.REMOVED, Kind.ADDED);
        overflow(h, 1, 3 * SIZE);
        assertThat(h.state(peer(0))).isEqualTo(STATIC);
        assertThat(h.hardware(peer(0))).isEqualTo(peerHw(99));
        assertThat(h.engine.size()).isEqualTo(SIZE + 1);
    }

    @Test
    @DisplayName("gVisor cache: a static entry added first survives any number of overflows")
    void addStaticThenOverflow() {
        Harness h = cache();
        h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(0)));
        overflow(h, 1, 3 * SIZE);
        assertThat(h.state(peer(0))).isEqualTo(STATIC);
    }

    @Test
    @DisplayName("gVisor cache: clearing (flush) removes dynamic entries, and overflow works after it")
    void clearThenOverflow() {
        Harness h = cache();
        for (int i = 0; i < SIZE; i++) resolve(h, i);
        h.command(new OperatorCommand.AddStatic(LINK, peer(50), peerHw(50)));
        List<Action> a = h.command(new OperatorCommand.Flush(0));
        assertThat(events(a)).hasSize(SIZE).allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.FLUSHED));
        assertThat(only(a, Action.RemoveNeighbor.class)).hasSize(SIZE);
        assertThat(h.engine.size()).isEqualTo(1);
        overflow(h, 0, 2 * SIZE);
    }

    @Test
    @DisplayName("gVisor cache: a frequently used entry is kept while others are evicted")
    void keepFrequentlyUsed() {
        Harness h = cache();
        resolve(h, 0);
        for (int i = 1; i < 4 * SIZE; i++) {
            h.miss(peer(0)); // used again: served from the cache, moved to the back of the LRU list
            resolve(h, i);
        }
        assertThat(h.state(peer(0))).isEqualTo(REACHABLE);
        assertThat(h.engine.size()).isEqualTo(SIZE);
    }

    @Test
    @DisplayName("gVisor cache: a static entry answers a miss at once, with no request")
    void staticResolution() {
        Harness h = cache();
        h.command(new OperatorCommand.AddStatic(LINK, peer(0), peerHw(0)));
        List<Action> a = h.miss(peer(0));
        assertThat(transmitted(a)).isEmpty();
        assertThat(only(a, Action.InstallNeighbor.class)).containsExactly(new Action.InstallNeighbor(LINK, peer(0), peerHw(0), STATIC));
    }

    @Test
    @DisplayName("gVisor cache: resolution failure — nobody answers, the kernel is told FAILED")
    void resolutionFailed() {
        Harness h = cache();
        h.miss(peer(0));
        h.advance(10 * S);
        assertThat(h.state(peer(0))).isEqualTo(FAILED);
        assertThat(only(h.actions, Action.RemoveNeighbor.class)).containsExactly(new Action.RemoveNeighbor(LINK, peer(0), true));
        assertThat(transmitted(h.actions)).hasSize(3);
    }

    @Test
    @DisplayName("gVisor cache: resolution timeout — an answer after the last retransmission is too late")
    void resolutionTimeout() {
        Harness h = cache();
        h.miss(peer(0));
        h.advance(3 * S);
        assertThat(h.state(peer(0))).isEqualTo(FAILED);
        List<Action> late = h.frame(reply(peerHw(0), peer(0)));
        // Too late to resolve anything: the resolution already ended FAILED (no RESOLVED event), and the
        // kernel was told so. The reply still is a sign of life: the negative-cache entry is revived
        // as a change, like any confirmation of a failed neighbour.
        assertThat(events(late)).noneMatch(e -> e.kind() == Kind.RESOLVED);
        assertThat(events(late)).filteredOn(e -> e.address() == peer(0)).extracting(EngineEvent::kind, EngineEvent::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Kind.CHANGED, Reason.REPLY));
        assertThat(only(late, Action.InstallNeighbor.class)).containsExactly(
                new Action.InstallNeighbor(LINK, peer(0), peerHw(0), REACHABLE));
        assertThat(h.engine.pendingResolutions()).isZero();
    }

    @Test
    @DisplayName("gVisor cache: retry — after the negative cache expires a new miss resolves again")
    void retryResolution() {
        Harness h = cache();
        h.miss(peer(0));
        h.advance(3 * S);
        assertThat(h.state(peer(0))).isEqualTo(FAILED);
        h.advance(20 * S);
        assertThat(h.state(peer(0))).isNull();
        List<Action> a = h.miss(peer(0));
        assertThat(transmitted(a)).hasSize(1);
        h.frame(reply(peerHw(0), peer(0)));
        assertThat(h.state(peer(0))).isEqualTo(REACHABLE);
    }

    @Test
    @DisplayName("pending resolutions are bounded: a miss beyond the bound is ignored with a reason")
    void pendingBound() {
        EngineConfig c = EngineConfig.defaults().withBounds(100, 4, 2);
        Harness h = new Harness(c);
        h.miss(ip("192.0.2.10"));
        h.miss(ip("192.0.2.11"));
        List<Action> a = h.miss(ip("192.0.2.12"));
        assertThat(transmitted(a)).isEmpty();
        assertThat(events(a)).extracting(EngineEvent::reason).containsExactly(Reason.TOO_MANY_PENDING);
        assertThat(h.engine.pendingResolutions()).isEqualTo(2);
    }
}
