package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineEvent.Reason;

class RateLimitTest {
    @Test
    @DisplayName("per link: a burst goes at once, the rest follows at the steady rate — no one-per-second stall")
    void linkBurstThenSteady() {
        EngineConfig c = EngineConfig.defaults().withRateLimits(new RateLimit(4, 100), new RateLimit(3, 1))
                .withTimers(NeighborTimers.defaults().withProbes(3, 1, 0));
        Harness h = new Harness(c);
        for (int i = 10; i < 20; i++) h.miss(ip("192.0.2." + i));
        assertThat(transmitted(h.actions)).hasSize(4);
        assertThat(h.engine.count(Reason.LINK_RATE_LIMITED)).isEqualTo(6);
        // 10 ms per further request at 100/s
        assertThat(transmitted(h.advance(10 * MS))).hasSize(1);
        assertThat(transmitted(h.advance(50 * MS))).hasSize(5);
        assertThat(transmitted(h.advance(S))).isEmpty();
    }

    @Test
    @DisplayName("per target: repeated own-need probes of one address are paced by the target's bucket")
    void perTarget() {
        EngineConfig c = EngineConfig.defaults().withRateLimits(new RateLimit(100, 1000), new RateLimit(1, 0.5))
                .withTimers(NeighborTimers.defaults().withProbes(3, 3, 0));
        Harness h = new Harness(c);
        h.command(new OperatorCommand.Probe(LINK, ip("192.0.2.10")));
        assertThat(transmitted(h.actions)).hasSize(1);
        // retransmit due after 1 s, but the target allows one request per 2 s
        assertThat(transmitted(h.advance(S))).isEmpty();
        assertThat(h.engine.count(Reason.TARGET_RATE_LIMITED)).isEqualTo(1);
        assertThat(transmitted(h.advance(S))).hasSize(1);
    }

    @Test
    @DisplayName("per target: a burst of probes goes at once, then one per steady interval")
    void perTargetBurstThenSteady() {
        // Retransmit every 100 ms, 6 broadcast probes; the target allows 3 at once, then 1 per 500 ms.
        EngineConfig c = EngineConfig.defaults().withRateLimits(new RateLimit(100, 1000), new RateLimit(3, 2))
                .withTimers(NeighborTimers.defaults().withRetrans(100 * MS).withProbes(3, 6, 0));
        Harness h = new Harness(c);
        h.miss(ip("192.0.2.10"));
        List<Long> sentAt = new java.util.ArrayList<>();
        for (Harness.Timed t : h.advanceTimed(5 * S)) sentAt.add(t.time());
        sentAt.add(0, h.now - 5 * S);
        long start = sentAt.get(0);
        assertThat(sentAt.stream().map(t -> (t - start) / MS).toList()).containsExactly(0L, 100L, 200L, 500L, 1000L, 1500L);
        assertThat(h.engine.count(Reason.TARGET_RATE_LIMITED)).isEqualTo(3);
        // another target is not held back by this one's bucket
        assertThat(transmitted(h.miss(ip("192.0.2.11")))).hasSize(1);
    }

    @Test
    @DisplayName("GCRA: conformance and charging follow burst and rate exactly")
    void gcra() {
        RateLimit r = new RateLimit(2, 10); // 100 ms interval, burst 2
        long tat = Long.MIN_VALUE;
        long now = 0;
        assertThat(r.earliest(tat, now)).isEqualTo(Long.MIN_VALUE);
        tat = r.charge(tat, now);
        assertThat(r.earliest(tat, now)).isEqualTo(Long.MIN_VALUE);
        tat = r.charge(tat, now);
        assertThat(r.earliest(tat, now)).isEqualTo(100 * MS);
        assertThat(r.earliest(tat, 100 * MS)).isEqualTo(Long.MIN_VALUE);
    }
}
