package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The timer wheel against the obvious model: a map of deadlines, fired in (deadline, arming order). */
class TimerWheelProperties {
    record Op(int kind, int id, long amount) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> small = Arbitraries.longs().between(0, 600);
        Arbitrary<Long> far = Arbitraries.longs().between(0, 70_000_000L);
        Arbitrary<Long> amount = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, small), net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 70_000)),
                net.jqwik.api.Tuple.of(1, far));
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(-6, 20), amount).as(Op::new);
        return op.list().ofMaxSize(300);
    }

    @Property(tries = 300)
    @Label("timers fire exactly at their deadline, in deadline then arming order; nextDeadline is exact")
    void matchesModel(@ForAll("ops") List<Op> ops) {
        TimerWheel wheel = new TimerWheel();
        wheel.ensureCapacity(21);
        Map<Integer, Integer> aux = new HashMap<>();
        Map<Integer, long[]> model = new HashMap<>(); // id -> {deadline, seq}
        long seq = 0;
        for (Op op : ops) {
            int id = op.id() >= 0 ? op.id() : aux.computeIfAbsent(op.id(), k -> wheel.allocateAux());
            switch (op.kind()) {
                case 0, 1 -> {
                    long deadline = Math.max(wheel.currentTick() + 1, wheel.currentTick() + op.amount());
                    wheel.schedule(id, deadline);
                    model.put(id, new long[] {deadline, seq++});
                }
                case 2 -> {
                    wheel.cancel(id);
                    model.remove(id);
                }
                default -> {
                    long target = wheel.currentTick() + op.amount();
                    List<long[]> due = new ArrayList<>();
                    List<Integer> expected = new ArrayList<>();
                    model.forEach((k, v) -> {
                        if (v[0] <= target) due.add(new long[] {v[0], v[1], k});
                    });
                    due.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
                    for (long[] d : due) {
                        expected.add((int) d[2]);
                        model.remove((int) d[2]);
                    }
                    List<Integer> fired = new ArrayList<>();
                    List<Long> firedAt = new ArrayList<>();
                    wheel.advance(target, x -> {
                        fired.add(x);
                        firedAt.add(wheel.currentTick());
                    });
                    assertThat(fired).isEqualTo(expected);
                    for (int i = 0; i < due.size(); i++) assertThat(firedAt.get(i)).isEqualTo(due.get(i)[0]);
                }
            }
            long min = model.values().stream().mapToLong(v -> v[0]).min().orElse(Long.MAX_VALUE);
            assertThat(wheel.nextDeadlineTick()).isEqualTo(min);
            for (int k = 0; k <= 20; k++) assertThat(wheel.isArmed(k)).isEqualTo(model.containsKey(k));
        }
    }
}
