package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uarpd.engine.Harness.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.ArpView;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Opcode;

/**
 * Properties of the engine over random sequences of inputs: misses, own probes, replies, requests,
 * gratuitous announcements, kernel changes, operator commands and the passing of time, over a small
 * pool of addresses so that entries collide, overflow and are re-learnt.
 */
class EngineProperties {
    static final int TARGETS = 24;
    static final int MAX_DYNAMIC = 8;
    static final int MAX_STATIC = 3;
    static final int MAX_PENDING = 5;
    static final RateLimit LINK_LIMIT = new RateLimit(3, 20);

    /** One step: what to do, to which target, with which of three hardware addresses, and a time step. */
    record Step(int kind, int target, int hw, long dtMillis) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> kind = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(0)),  // kernel miss
                Tuple.of(2, Arbitraries.just(1)),  // kernel re-check with a known address
                Tuple.of(2, Arbitraries.just(2)),  // own probe
                Tuple.of(6, Arbitraries.just(3)),  // reply addressed to us
                Tuple.of(4, Arbitraries.just(4)),  // request addressed to us
                Tuple.of(2, Arbitraries.just(5)),  // gratuitous
                Tuple.of(2, Arbitraries.just(6)),  // add static
                Tuple.of(1, Arbitraries.just(7)),  // delete static
                Tuple.of(1, Arbitraries.just(8)),  // flush
                Tuple.of(2, Arbitraries.just(9)),  // kernel changed by someone else
                Tuple.of(10, Arbitraries.just(10))); // time passes
        Arbitrary<Long> dt = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.longs().between(0, 50)),
                Tuple.of(4, Arbitraries.longs().between(0, 3000)),
                Tuple.of(1, Arbitraries.longs().between(0, 120_000)));
        return Combinators.combine(kind, Arbitraries.integers().between(0, TARGETS - 1),
                Arbitraries.integers().between(0, 2), dt).as(Step::new).list().ofMinSize(1).ofMaxSize(120);
    }

    static EngineConfig config(long seed) {
        return EngineConfig.defaults().withSeed(seed).withBounds(MAX_DYNAMIC, MAX_STATIC, MAX_PENDING)
                .withRateLimits(LINK_LIMIT, new RateLimit(2, 1))
                .withTimers(NeighborTimers.defaults().withStaleLifetime(60 * S));
    }

    static int target(int i) {
        return ip("192.0.2.100") + i;
    }

    static HardwareAddress hw(int target, int variant) {
        return HardwareAddress.ofLong48(0x0200_0000_0000L + target * 16L + variant);
    }

    /** Applies one step; records statics the operator holds in {@code statics}. */
    static void apply(Harness h, Step s, Map<Integer, HardwareAddress> statics) {
        int t = target(s.target());
        HardwareAddress a = hw(s.target(), s.hw());
        switch (s.kind()) {
            case 0 -> h.miss(t);
            case 1 -> h.input(new Input.KernelMiss(LINK, t, 0, a));
            case 2 -> h.command(new OperatorCommand.Probe(LINK, t));
            case 3 -> h.frame(reply(a, t));
            case 4 -> h.frame(request(a, t, OUR_IP));
            case 5 -> h.frame(gratuitous(a, t));
            case 6 -> {
                h.command(new OperatorCommand.AddStatic(LINK, t, a));
                Engine.Neighbor n = h.engine.lookup(LINK, t);
                if (n != null && n.state() == NeighborState.STATIC) statics.put(t, n.hardware());
            }
            case 7 -> {
                h.command(new OperatorCommand.DeleteStatic(LINK, t));
                statics.remove(t);
            }
            case 8 -> h.command(new OperatorCommand.Flush(LINK));
            case 9 -> h.input(new Input.KernelNeighborChanged(LINK, t, s.hw() == 2 ? null : a,
                    s.hw() == 0 ? NeighborState.STATIC : NeighborState.REACHABLE));
            default -> h.advance(s.dtMillis() * MS);
        }
    }

    @Property(tries = 500)
    @Label("a static entry never changes until the operator deletes it")
    void staticNeverChanges(@ForAll("steps") List<Step> steps) {
        Harness h = new Harness(config(7));
        Map<Integer, HardwareAddress> statics = new HashMap<>();
        for (Step s : steps) {
            apply(h, s, statics);
            statics.forEach((addr, hw) -> {
                Engine.Neighbor n = h.engine.lookup(LINK, addr);
                assertThat(n).isNotNull();
                assertThat(n.state()).isEqualTo(NeighborState.STATIC);
                assertThat(n.hardware()).isEqualTo(hw);
            });
        }
    }

    @Property(tries = 500)
    @Label("the table never exceeds its bounds (dynamic, static, pending)")
    void bounded(@ForAll("steps") List<Step> steps) {
        Harness h = new Harness(config(7));
        Map<Integer, HardwareAddress> statics = new HashMap<>();
        for (Step s : steps) {
            apply(h, s, statics);
            List<Engine.Neighbor> all = h.engine.neighbors();
            long st = all.stream().filter(n -> n.state() == NeighborState.STATIC).count();
            long incomplete = all.stream().filter(n -> n.state() == NeighborState.INCOMPLETE).count();
            assertThat(all.size() - st).isLessThanOrEqualTo(MAX_DYNAMIC);
            assertThat(st).isLessThanOrEqualTo(MAX_STATIC);
            assertThat(incomplete).isLessThanOrEqualTo(MAX_PENDING).isEqualTo(h.engine.pendingResolutions());
            assertThat(h.engine.size()).isEqualTo(all.size());
        }
    }

    @Property(tries = 500)
    @Label("no link sends more requests than its rate limit allows (burst, then the steady rate)")
    void rateLimited(@ForAll("steps") List<Step> steps) {
        Harness h = new Harness(config(7));
        List<Long> times = new ArrayList<>();
        Map<Integer, HardwareAddress> statics = new HashMap<>();
        for (Step s : steps) {
            int before = h.actions.size();
            apply(h, s, statics);
            for (Action a : h.actions.subList(before, h.actions.size())) {
                if (a instanceof Action.Emit e && e.event().kind() == Kind.REQUESTED) times.add(e.event().time());
            }
        }
        long interval = LINK_LIMIT.intervalNanos();
        for (int i = 0; i < times.size(); i++) {
            for (int j = i; j < times.size(); j++) {
                long window = times.get(j) - times.get(i);
                int count = j - i + 1;
                assertThat(count).as("requests in %d ns", window).isLessThanOrEqualTo(LINK_LIMIT.burst() + (int) (window / interval));
            }
        }
        assertThat(transmitted(h.actions).stream().filter(p -> p.opcode().equals(Opcode.REQUEST)).count())
                .isEqualTo(times.size());
    }

    @Property(tries = 500)
    @Label("every INCOMPLETE entry ends REACHABLE/STALE (answered) or FAILED within its probe budget, or is removed")
    void resolutionsEnd(@ForAll("steps") List<Step> steps) {
        Harness h = new Harness(config(7));
        Map<Integer, HardwareAddress> statics = new HashMap<>();
        for (Step s : steps) apply(h, s, statics);
        // quiet time: every resolution must finish without further input
        h.advance(10 * 60 * S);
        assertThat(h.engine.pendingResolutions()).isZero();
        assertThat(h.engine.neighbors()).noneMatch(n -> n.state() == NeighborState.INCOMPLETE);
        Map<Integer, Integer> requests = new HashMap<>();
        Map<Integer, Boolean> open = new HashMap<>();
        Map<Integer, Long> started = new HashMap<>();
        int budget = NeighborTimers.defaults().broadcastProbes();
        // The budget's own time, plus what the link's rate limit can defer every pending probe by.
        long longest = budget * NeighborTimers.defaults().retransNanos()
                + (long) MAX_PENDING * budget * LINK_LIMIT.intervalNanos() + 10 * MS;
        for (Action a : h.actions) {
            if (!(a instanceof Action.Emit e)) continue;
            EngineEvent ev = e.event();
            int addr = ev.address();
            boolean isOpen = open.getOrDefault(addr, false);
            switch (ev.kind()) {
                case ADDED -> {
                    if (ev.state() == NeighborState.INCOMPLETE) {
                        open.put(addr, true);
                        requests.put(addr, 0);
                        started.put(addr, ev.time());
                    }
                }
                case REQUESTED -> {
                    if (ev.state() == NeighborState.INCOMPLETE) {
                        assertThat(isOpen).as("request for %s outside a resolution", addr).isTrue();
                        requests.merge(addr, 1, Integer::sum);
                        assertThat(requests.get(addr)).isLessThanOrEqualTo(budget);
                    }
                }
                case FAILED -> {
                    if (isOpen) {
                        assertThat(ev.time() - started.get(addr)).as("resolution of %s took", addr).isLessThanOrEqualTo(longest);
                        assertThat(requests.get(addr)).isEqualTo(budget);
                    }
                    open.put(addr, false);
                }
                case RESOLVED, REMOVED -> open.put(addr, false);
                case CHANGED -> {
                    if (ev.state() != NeighborState.INCOMPLETE) open.put(addr, false);
                }
                default -> { }
            }
        }
        assertThat(open.values()).doesNotContain(true);
    }

    @Property(tries = 100)
    @Label("the same inputs at the same times (same seed) give the same actions")
    void deterministic(@ForAll("steps") List<Step> steps, @ForAll long seed) {
        List<String> first = run(steps, seed);
        List<String> second = run(steps, seed);
        assertThat(second).isEqualTo(first);
    }

    static List<String> run(List<Step> steps, long seed) {
        Harness h = new Harness(config(seed));
        Map<Integer, HardwareAddress> statics = new HashMap<>();
        for (Step s : steps) apply(h, s, statics);
        h.advance(100 * S);
        List<String> out = new ArrayList<>();
        for (Action a : h.actions) {
            if (a instanceof Action.Transmit t) {
                ByteBuffer b = t.frame().duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.add("tx " + t.link() + " " + HexFormat.of().formatHex(bytes));
            } else {
                out.add(a.toString());
            }
        }
        return out;
    }

    @Property(tries = 50)
    @Label("garbage frames never throw and are each dropped or ignored with an event")
    void garbageFrames(@ForAll("garbage") List<byte[]> frames) {
        Harness h = new Harness(config(1));
        for (byte[] f : frames) {
            List<Action> a = h.frame(f);
            List<EngineEvent> ev = events(a);
            Reason refused = refusal(f);
            if (refused != null) {
                // Judged without the engine: a frame that is not a whole ARP packet is dropped, once, for that reason.
                assertThat(ev).singleElement().satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.DROPPED);
                    assertThat(e.reason()).isEqualTo(refused);
                });
                assertThat(transmitted(a)).isEmpty();
            } else {
                // A whole ARP packet: whatever the engine makes of it, it says so, and never calls it malformed.
                assertThat(ev).isNotEmpty().allSatisfy(e -> assertThat(e.reason()).isNotEqualTo(Reason.MALFORMED));
            }
            // Nothing here asks or announces: whatever is sent answers the frame.
            for (ArpPacket p : transmitted(a)) assertThat(p.opcode()).isIn(Opcode.REPLY, Opcode.INARP_REPLY);
        }
    }

    /**
     * Why a frame must be dropped before anything in it is looked at, by the wire module's own checks:
     * a truncated header, LLC/SNAP framing the wire module refuses (IEEE 802.3 length-field frames),
     * an EtherType outside the ARP family, an ARP packet that does not fit; null when it may be acted on.
     */
    private static int etherType(byte[] f) {
        return ((f[12] & 0xFF) << 8) | (f[13] & 0xFF);
    }

    private static Reason refusal(byte[] f) {
        if (f.length < Ethernet.HEADER) return Reason.MALFORMED;
        int type = etherType(f);
        int at = Ethernet.HEADER;
        int len = f.length - Ethernet.HEADER;
        byte[] buf = f;
        if (type < Ethernet.MIN_ETHERTYPE) {
            try {
                Frame frame = Ethernet.INSTANCE.decode(f, 0, f.length);
                type = frame.protocol();
                buf = frame.buffer();
                at = frame.payloadOffset();
                len = frame.payloadLength();
            } catch (MalformedFrameException e) {
                return Reason.MALFORMED;
            }
        }
        if (!EtherType.isArpFamily(type)) return Reason.NOT_ARP;
        try {
            ArpView.wrap(buf, at, len);
            return null;
        } catch (MalformedFrameException e) {
            return Reason.MALFORMED;
        }
    }

    @Provide
    Arbitrary<List<byte[]>> garbage() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
        // a valid request with random bytes overwritten: mostly well framed, often nonsense inside
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.integers().between(0, 41),
                Arbitraries.bytes(), Arbitraries.integers().between(14, 60)).as((pos, val, cut) -> {
                    byte[] f = request(hw(1, 0), target(1), OUR_IP);
                    f[pos] = val;
                    return java.util.Arrays.copyOf(f, cut);
                });
        return Arbitraries.oneOf(random, mutated).list().ofMaxSize(40);
    }
}
