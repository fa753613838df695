package org.uarpd.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.link.Ethernet;

/**
 * Each fault of a segment on its own, observed where a host would observe it: the datagrams that
 * arrive, in which order and after how long. (Loss, partitions and crashes are shown healing in
 * {@link LegacyKernelTest} and {@link UarpdOnSimTest}.)
 */
class SegmentFaultsTest {
    static final long S = Simulation.SECOND;
    static final long MS = S / 1000;
    static final int A = Ip4.parse("192.0.2.1");
    static final int B = Ip4.parse("192.0.2.2");
    static final Pattern RECEIVED = Pattern.compile("received packet #(\\d+) from 192\\.0\\.2\\.1 after (\\d+\\.\\d+) s");
    static final int BURST = 200;

    record Arrival(long number, long latencyNanos) {}

    /** Resolves on a clean medium, then sends a burst of datagrams 0.1 ms apart under {@code faults}. */
    static List<Arrival> burstUnder(SegmentFaults faults, List<Long> sent) {
        World world = new World(99);
        Segment lan = world.addSegment("lan0", Ethernet.INSTANCE);
        SimHost a = world.addHost("a");
        a.configure(a.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 1)), A, 24);
        SimHost b = world.addHost("b");
        b.configure(b.attach("eth0", lan, SimAddresses.station(Ethernet.INSTANCE, 2)), B, 24);
        world.bootAll();
        a.send(B);
        world.sim().runUntil(S);
        assertThat(world.stats().packetsDelivered()).isEqualTo(1);
        lan.setFaults(faults);
        for (int i = 0; i < BURST; i++) {
            world.sim().at(2 * S + i * MS / 10, () -> sent.add(a.send(B)));
        }
        world.sim().runUntil(3 * S);
        List<Arrival> arrivals = new ArrayList<>();
        for (String line : world.timeline().grep("received packet")) {
            if (!line.contains(" b ")) continue;
            Matcher m = RECEIVED.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            long nanos = Math.round(Double.parseDouble(m.group(2)) * S);
            arrivals.add(new Arrival(Long.parseLong(m.group(1)), nanos));
        }
        return arrivals.subList(1, arrivals.size()); // the first is the resolving datagram
    }

    static List<Long> numbers(List<Arrival> arrivals) {
        return arrivals.stream().map(Arrival::number).toList();
    }

    @Test
    void aCleanMediumDeliversEveryDatagramOnceInOrderAfterItsDelay() {
        List<Long> sent = new ArrayList<>();
        List<Arrival> got = burstUnder(SegmentFaults.NONE.withDelay(MS, 0), sent);
        assertThat(numbers(got)).isEqualTo(sent);
        assertThat(got).allSatisfy(r -> assertThat(r.latencyNanos()).isEqualTo(MS));
    }

    @Test
    void jitterSpreadsTheDelayOverItsRangeAndNoFurther() {
        List<Long> sent = new ArrayList<>();
        List<Arrival> got = burstUnder(SegmentFaults.NONE.withDelay(MS, 2 * MS), sent);
        assertThat(got).hasSize(BURST);
        assertThat(got).allSatisfy(r -> assertThat(r.latencyNanos()).isBetween(MS, 3 * MS - 1));
        long distinct = got.stream().mapToLong(Arrival::latencyNanos).distinct().count();
        assertThat(distinct).as("jitter draws differ").isGreaterThan(BURST / 2);
        // a jitter larger than the spacing lets later datagrams overtake earlier ones
        assertThat(numbers(got)).isNotEqualTo(sent).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void reorderingHoldsSomeDatagramsBackSoLaterOnesOvertakeThem() {
        List<Long> sent = new ArrayList<>();
        List<Arrival> got = burstUnder(SegmentFaults.NONE.withDelay(MS, 0).withReorder(0.2, 5 * MS), sent);
        assertThat(numbers(got)).containsExactlyInAnyOrderElementsOf(sent).isNotEqualTo(sent);
        long heldBack = got.stream().filter(r -> r.latencyNanos() == 6 * MS).count();
        long onTime = got.stream().filter(r -> r.latencyNanos() == MS).count();
        assertThat(heldBack + onTime).isEqualTo(BURST);
        assertThat(heldBack).isBetween(BURST / 10L, BURST * 3L / 10);
    }

    @Test
    void duplicationDeliversSomeDatagramsTwice() {
        List<Long> sent = new ArrayList<>();
        List<Arrival> got = burstUnder(SegmentFaults.NONE.withDuplicate(0.3), sent);
        assertThat(got.stream().map(Arrival::number).distinct().toList()).isEqualTo(sent);
        assertThat(got.size() - BURST).isBetween(BURST / 6, BURST * 2 / 5);
    }

    @Test
    void lossDropsAboutItsShare() {
        List<Long> sent = new ArrayList<>();
        List<Arrival> got = burstUnder(SegmentFaults.NONE.withLoss(0.25), sent);
        assertThat(sent).containsAll(numbers(got));
        assertThat(BURST - got.size()).isBetween(BURST / 8, BURST * 3 / 8);
    }

    @Test
    void nonsenseFaultsAreRefused() {
        assertThatThrownBy(() -> SegmentFaults.NONE.withLoss(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss");
        assertThatThrownBy(() -> SegmentFaults.NONE.withDelay(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
