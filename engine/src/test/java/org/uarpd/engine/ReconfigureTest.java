package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;

/** {@link OperatorCommand.Reconfigure}: a new configuration applied while running, state kept. */
class ReconfigureTest {
    static final int PEER = ip("192.0.2.7");
    static final HardwareAddress PEER_HW = mac("02:00:00:00:00:07");
    static final PublishedEntry OLD_RANGE = PublishedEntry.range(Cidr.parse("198.51.100.0/28"));
    static final PublishedEntry NEW_RANGE = PublishedEntry.range(Cidr.parse("198.51.100.16/28"));

    static EngineConfig with(PublishedEntry... published) {
        return EngineConfig.defaults().withLinks(Map.of("eth0", LinkPolicy.authoritative().withPublished(List.of(published))));
    }

    @Test
    @DisplayName("entries and operator-published entries survive; configured published entries and timers are swapped")
    void keepsStateSwapsPolicy() {
        Harness h = new Harness(with(OLD_RANGE));
        h.miss(PEER);
        h.frame(reply(PEER_HW, PEER));
        assertThat(h.state(PEER)).isEqualTo(NeighborState.REACHABLE);
        PublishedEntry operators = PublishedEntry.address(ip("198.51.100.200"));
        h.command(new OperatorCommand.Publish(LINK, operators));

        EngineConfig next = with(NEW_RANGE).withTimers(NeighborTimers.defaults().withNegativeCache(3 * S));
        h.command(new OperatorCommand.Reconfigure(next));

        assertThat(h.state(PEER)).isEqualTo(NeighborState.REACHABLE);
        assertThat(h.hardware(PEER)).isEqualTo(PEER_HW);
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, ip("198.51.100.1"))))).isEmpty();
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, ip("198.51.100.17"))))).hasSize(1);
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, ip("198.51.100.200"))))).hasSize(1);
        assertThat(h.engine.config().timers().negativeCacheNanos()).isEqualTo(3 * S);
        assertThat(h.engine.config().seed()).isEqualTo(EngineConfig.defaults().seed());

        // The new negative-cache lifetime applies to the next failure.
        int gone = ip("192.0.2.99");
        h.miss(gone);
        h.advance(4 * S); // three probes a second apart: failed after 3 s
        assertThat(h.state(gone)).isEqualTo(NeighborState.FAILED);
        h.advance(3 * S); // 3 s of negative cache, not the default 20

        assertThat(h.engine.lookup(LINK, gone)).isNull();
    }

    @Test
    @DisplayName("a mode change reaches known links: assist leaves the host's own addresses to the kernel")
    void modeChange() {
        Harness h = new Harness();
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, OUR_IP)))).hasSize(1);
        h.command(new OperatorCommand.Reconfigure(EngineConfig.defaults().withLinks(Map.of("eth0", LinkPolicy.assist()))));
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, OUR_IP)))).isEmpty();
        assertThat(h.engine.count(Reason.KERNEL_ANSWERS)).isEqualTo(1);
    }

    @Test
    @DisplayName("a changed guard policy swaps the pinned bindings: the new one pinned, the old one freed")
    void pinnedSwap() {
        int a = ip("192.0.2.20");
        int b = ip("192.0.2.21");
        HardwareAddress hw = mac("02:00:00:00:00:20");
        LinkPolicy pinA = LinkPolicy.authoritative().withGuard(GuardPolicy.off().withPinned(Map.of(a, hw)));
        Harness h = new Harness(EngineConfig.defaults().withLinks(Map.of("eth0", pinA)));
        assertThat(h.state(a)).isEqualTo(NeighborState.STATIC);
        LinkPolicy pinB = LinkPolicy.authoritative().withGuard(GuardPolicy.off().withPinned(Map.of(b, hw)));
        List<Action> done = h.command(new OperatorCommand.Reconfigure(EngineConfig.defaults().withLinks(Map.of("eth0", pinB))));
        assertThat(h.engine.lookup(LINK, a)).isNull();
        assertThat(h.state(b)).isEqualTo(NeighborState.STATIC);
        assertThat(only(done, Action.InstallNeighbor.class)).anyMatch(i -> i.address() == b && i.state() == NeighborState.STATIC);
        assertThat(only(done, Action.RemoveNeighbor.class)).anyMatch(r -> r.address() == a);
    }

    @Test
    @DisplayName("new table bounds or timer tick are refused and nothing changes")
    void refusesResize() {
        Harness h = new Harness(with(OLD_RANGE));
        assertThatThrownBy(() -> h.command(new OperatorCommand.Reconfigure(with(NEW_RANGE).withBounds(10, 10, 10))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table bounds cannot change");
        assertThatThrownBy(() -> h.command(new OperatorCommand.Reconfigure(with(NEW_RANGE).withTimerTick(2_000_000L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timer tick cannot change");
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, ip("198.51.100.1"))))).hasSize(1);
        assertThat(transmitted(h.frame(request(PEER_HW, PEER, ip("198.51.100.17"))))).isEmpty();
    }
}
