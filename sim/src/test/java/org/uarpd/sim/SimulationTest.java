package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

    @Test
    void eventsRunInTimeOrderAndTiesInSchedulingOrder() {
        Simulation sim = new Simulation(1);
        List<String> order = new ArrayList<>();
        sim.at(20, () -> order.add("c"));
        sim.at(10, () -> order.add("a"));
        sim.at(10, () -> order.add("b"));
        sim.at(5, () -> sim.at(10, () -> order.add("d")));
        sim.runToCompletion();
        assertThat(order).containsExactly("a", "b", "d", "c");
        assertThat(sim.now()).isEqualTo(20);
    }

    @Test
    void theClockNeverRunsBackwards() {
        Simulation sim = new Simulation(1);
        List<Long> seen = new ArrayList<>();
        sim.at(100, () -> sim.at(50, () -> seen.add(sim.now())));
        sim.runToCompletion();
        assertThat(seen).containsExactly(100L);
    }

    @Test
    void aDelayPastTheEndOfTimeNeverRunsEarly() {
        Simulation sim = new Simulation(1);
        List<String> order = new ArrayList<>();
        sim.at(100, () -> sim.after(Long.MAX_VALUE, () -> order.add("never")));
        sim.at(200, () -> order.add("later"));
        sim.runUntil(1_000);
        assertThat(order).containsExactly("later");
        assertThat(sim.nextEventTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(sim.pending()).isEqualTo(1);
    }

    @Test
    void manyEventsComeOutSorted() {
        Simulation sim = new Simulation(7);
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long t = sim.random().nextLong(1_000_000);
            sim.at(t, () -> seen.add(sim.now()));
        }
        sim.runToCompletion();
        assertThat(seen).hasSize(10_000).isSorted();
    }

    @Test
    void runUntilStopsAtTheGivenTime() {
        Simulation sim = new Simulation(1);
        List<String> order = new ArrayList<>();
        sim.at(10, () -> order.add("early"));
        sim.at(30, () -> order.add("late"));
        sim.runUntil(20);
        assertThat(order).containsExactly("early");
        assertThat(sim.now()).isEqualTo(20);
        assertThat(sim.pending()).isEqualTo(1);
    }
}
