package org.uarpd.daemon.control;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.uarpd.daemon.metrics.UarpdMetrics;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Bound;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineEvent;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.Input;
import org.uarpd.engine.NeighborState;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.linux.LoopControl;

/**
 * The engine as the backend drives it, with a tap on what goes in and comes out: events feed the
 * metrics, the live streams and the probes waiting for an outcome; frames feed the captures. It
 * knows no backend and reads no clock: time comes with each input, from the loop that calls it.
 * Everything here runs on the loop thread.
 */
public final class EngineTap implements EnginePort, ActionSink {
    private final Engine engine;
    private final UarpdMetrics metrics;
    private final List<Stream> streams = new ArrayList<>();
    private final List<ProbeWait> probes = new ArrayList<>();
    private boolean eventStreams;
    private boolean frameStreams;
    private ActionSink out;
    private ActionSink neighborWatch;
    private long now;

    /** How a probe ended: {@code outcome} as uarpctl says it, the event that settled it, and the time it took. */
    public record ProbeOutcome(String outcome, EngineEvent event, long nanos) {}

    /** A probe waiting for its outcome: of the IPv4 {@code address}, or of {@code address6} when that is not null. */
    private record ProbeWait(int link, int address, org.uarpd.wire.Ip6Address address6, long start, CompletableFuture<ProbeOutcome> done) {
        boolean settledBy(EngineEvent ev) {
            if (link != ev.link()) return false;
            return address6 != null ? address6.equals(ev.address6()) : ev.address6() == null && address == ev.address();
        }
    }

    /** @param metrics null when metrics are off */
    public EngineTap(Engine engine, UarpdMetrics metrics) {
        this.engine = engine;
        this.metrics = metrics;
    }

    /** Also hands every {@link Action.InstallNeighbor} and {@link Action.RemoveNeighbor} to {@code w}, on the loop thread. */
    public void watchNeighbors(ActionSink w) {
        neighborWatch = w;
    }

    /** The engine, to read its table and counters. */
    public Engine engine() {
        return engine;
    }

    @Override
    public void handle(long nowNanos, Input input, ActionSink sink) {
        if (frameStreams && input instanceof Input.FrameReceived f) frame("in", f.link(), f.frame(), f.offset(), f.length());
        out = sink;
        now = nowNanos;
        engine.handle(nowNanos, input, this);
    }

    /**
     * Events are built only for someone who reads them: the metrics, a live event stream, a probe
     * waiting for its outcome, or the sink the actions go on to. Otherwise the engine only counts
     * them, and a flood of answered requests allocates no event per frame.
     */
    @Override
    public boolean wants(EngineEvent.Kind kind) {
        return metrics != null || eventStreams || !probes.isEmpty() || out.wants(kind);
    }

    @Override
    public long nextDeadline() {
        return engine.nextDeadline();
    }

    @Override
    public void accept(Action action) {
        if (action instanceof Action.Emit e) {
            EngineEvent ev = e.event();
            if (metrics != null) metrics.observe(ev);
            if (eventStreams) publish(s -> s.wants(ev), s -> s.offer(ev));
            if (!probes.isEmpty()) settleProbes(ev);
        } else if (neighborWatch != null && (action instanceof Action.InstallNeighbor || action instanceof Action.RemoveNeighbor)) {
            neighborWatch.accept(action);
        } else if (frameStreams && action instanceof Action.Transmit t) {
            ByteBuffer b = t.frame().duplicate();
            byte[] copy = new byte[b.remaining()];
            b.get(copy);
            frame("out", t.link(), copy, 0, copy.length);
        }
        out.accept(action);
    }

    /** Hands an operator command to the engine at {@code nowNanos}, {@code sink} carrying out its actions. */
    public void command(long nowNanos, OperatorCommand c, ActionSink sink) {
        handle(nowNanos, new Input.Command(c), sink);
    }

    /** Starts a probe of {@code address} on {@code link} at {@code nowNanos}; completes with its outcome. */
    public CompletableFuture<ProbeOutcome> probe(long nowNanos, int link, int address, ActionSink sink) {
        CompletableFuture<ProbeOutcome> f = new CompletableFuture<>();
        probes.add(new ProbeWait(link, address, null, nowNanos, f));
        command(nowNanos, new OperatorCommand.Probe(link, address), sink);
        return f;
    }

    /** {@link #probe} for an IPv6 neighbour (by neighbour solicitation). */
    public CompletableFuture<ProbeOutcome> probe6(long nowNanos, int link, org.uarpd.wire.Ip6Address address, ActionSink sink) {
        CompletableFuture<ProbeOutcome> f = new CompletableFuture<>();
        probes.add(new ProbeWait(link, 0, address, nowNanos, f));
        command(nowNanos, new OperatorCommand.Probe6(link, address), sink);
        return f;
    }

    /** Nobody waits for {@code done} any more: drop it, or it would stay and tap every event for good. */
    public void forget(CompletableFuture<ProbeOutcome> done) {
        probes.removeIf(w -> w.done() == done);
    }

    /** The outcome uarpctl reports for a probe that {@code ev} settles; null when it settles none. */
    static String outcome(EngineEvent ev) {
        return switch (ev.kind()) {
            case RESOLVED -> "resolved";
            // A STALE entry probed by unicast is confirmed, not resolved anew.
            case CHANGED, ADDED -> ev.state() == NeighborState.REACHABLE ? "resolved" : null;
            case FAILED -> "failed";
            case ANSWERED -> ev.reason() == Reason.FROM_CACHE ? "known" : null;
            case IGNORED -> switch (ev.reason()) {
                case NEGATIVE_CACHE -> "failed";
                case LINK_IS_DOWN, WRONG_HARDWARE -> "not probed";
                default -> null;
            };
            case DROPPED -> "not probed";
            default -> null;
        };
    }

    private void settleProbes(EngineEvent ev) {
        for (int i = probes.size() - 1; i >= 0; i--) {
            ProbeWait p = probes.get(i);
            if (!p.settledBy(ev)) continue;
            String outcome = outcome(ev);
            if (outcome == null) continue;
            probes.remove(i);
            p.done().complete(new ProbeOutcome(outcome, ev, now - p.start()));
        }
    }

    /** Starts feeding {@code s}. */
    void subscribe(Stream s) {
        streams.add(s);
        recount();
    }

    /** Stops feeding {@code s} (its reader is gone). */
    void unsubscribe(Stream s) {
        streams.remove(s);
        recount();
    }

    /** Streams being fed. */
    public int liveStreams() {
        recount();
        return streams.size();
    }

    /** Lines waiting in the fullest stream's queue (each holds {@link Stream#CAPACITY}). */
    public int fullestStream() {
        int most = 0;
        for (Stream s : streams) most = Math.max(most, s.lines.size());
        return most;
    }

    /** Table sizes, the loop's counters, and every bound of the engine's and of {@code daemon}'s, into the metrics. */
    public void snapshotMetrics(LoopControl loop, List<Bound> daemon) {
        if (metrics == null) return;
        Map<NeighborState, Integer> v4 = new EnumMap<>(NeighborState.class);
        Map<NeighborState, Integer> v6 = new EnumMap<>(NeighborState.class);
        for (Engine.Neighbor n : engine.neighbors()) v4.merge(n.state(), 1, Integer::sum);
        for (Engine.Neighbor6 n : engine.neighbors6()) v6.merge(n.state(), 1, Integer::sum);
        metrics.snapshot(new UarpdMetrics.Neighbors(v4, engine.pendingResolutions()), new UarpdMetrics.Neighbors(v6, engine.pendingResolutions6()),
                loop.installErrors(), loop.droppedFrames(), loop.resyncs());
        List<UarpdMetrics.Table> tables = new ArrayList<>();
        for (List<Bound> bounds : List.of(engine.bounds(), daemon)) {
            for (Bound b : bounds) tables.add(new UarpdMetrics.Table(b.name(), b.link() == 0 ? "" : loop.nameOf(b.link()), b.size(), b.bound()));
        }
        metrics.tables(tables);
    }

    private void recount() {
        streams.removeIf(s -> s.closed);
        eventStreams = streams.stream().anyMatch(s -> s.kind == Stream.Kind.EVENTS);
        frameStreams = streams.stream().anyMatch(s -> s.kind == Stream.Kind.FRAMES);
    }

    private void frame(String direction, int link, byte[] buf, int off, int len) {
        publish(s -> s.wants(buf, off, len), s -> s.offer(direction, link, buf, off, len));
    }

    /** Offers a line to the streams that {@code want} it. */
    private void publish(java.util.function.Predicate<Stream> want, java.util.function.Predicate<Stream> offer) {
        boolean changed = false;
        for (Stream s : streams) {
            if (want.test(s) && !offer.test(s)) changed = true;
        }
        if (changed) recount();
    }
}
