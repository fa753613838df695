package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    @Test
    @DisplayName("timers across the 2^32-tick wrap of the top level fire at their deadline")
    void topLevelWrap() {
        TimerWheel w = new TimerWheel();
        w.ensureCapacity(4);
        w.advance((1L << 32) - 100, id -> { throw new AssertionError(); });
        long base = w.currentTick();
        w.schedule(0, base + 1000);
        w.schedule(1, base + (1L << 30));
        w.schedule(2, base + 50);
        List<Long> fired = new ArrayList<>();
        assertThat(w.nextDeadlineTick()).isEqualTo(base + 50);
        w.advance(base + (1L << 31), id -> fired.add(w.currentTick() - base));
        assertThat(fired).containsExactly(50L, 1000L, 1L << 30);
    }

    @Test
    @DisplayName("a timer re-armed from its own expiry at the current tick fires on the next one, not in a loop")
    void rearmFromExpiry() {
        TimerWheel w = new TimerWheel();
        w.ensureCapacity(1);
        w.schedule(0, 5);
        List<Long> fired = new ArrayList<>();
        w.advance(8, id -> {
            fired.add(w.currentTick());
            w.schedule(0, w.currentTick());
        });
        assertThat(fired).containsExactly(5L, 6L, 7L, 8L);
    }
}
