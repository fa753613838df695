package org.uarpd.engine;

import java.util.HashMap;
import java.util.Map;
import org.uarpd.engine.EngineEvent.Kind;
import org.uarpd.engine.EngineEvent.Reason;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip6Address;

/**
 * What every engine component may use, and nothing more: the time of the input being handled, the
 * timers, the links, the configuration, and the two ways out — {@link #act} (an action for the
 * backend) and {@link #emit} (an event). Components get this, never the {@link Engine}.
 *
 * <p>Timers: ids &ge; 0 are neighbour entries (their expiry goes to the handler given to
 * {@link #onEntryTimer}); {@link #after} runs a task once, on an auxiliary (negative) id. A second
 * protocol domain keeps its entry timers on a wheel of its own ({@link #addEntryWheel}), so that each
 * domain's entry ids are its table's own.
 */
final class EngineContext {
    final Links links = new Links();
    private final TimerWheel wheel;
    /** Auxiliary timers (negative wheel ids): what to do when each fires. */
    private final Map<Integer, Runnable> tasks = new HashMap<>();
    private final long[] counters = new long[Reason.values().length];
    private final TimerWheel.Expiry expiry = this::expired;
    private TimerWheel.Expiry entryTimers = id -> { };
    private TimerWheel otherWheel;
    private TimerWheel.Expiry otherTimers;
    private EngineConfig config;
    private boolean started;
    private long origin;
    private long now;
    private ActionSink out;

    EngineContext(EngineConfig config, TimerWheel wheel) {
        this.config = config;
        this.wheel = wheel;
    }

    EngineConfig config() {
        return config;
    }

    void reconfigure(EngineConfig next) {
        config = next;
    }

    void onEntryTimer(TimerWheel.Expiry handler) {
        entryTimers = handler;
    }

    /** The main wheel: entry timers of the first domain, and every auxiliary timer. */
    TimerWheel wheel() {
        return wheel;
    }

    /** A second domain's entry timers: {@code w}'s ids, advanced with the main wheel, expiring to {@code handler}. */
    void addEntryWheel(TimerWheel w, TimerWheel.Expiry handler) {
        otherWheel = w;
        otherTimers = handler;
    }

    /** Starts handling an input at {@code nowNanos} (never earlier than the last): runs the timers due by then. */
    void begin(long nowNanos, ActionSink sink) {
        out = sink;
        if (!started) {
            started = true;
            origin = nowNanos;
            now = nowNanos;
        } else if (nowNanos > now) {
            now = nowNanos;
        }
        long tick = Math.floorDiv(now - origin, config.timerTickNanos());
        wheel.advance(tick, expiry);
        if (otherWheel != null) otherWheel.advance(tick, otherTimers);
    }

    void end() {
        out = null;
    }

    long now() {
        return now;
    }

    long nextDeadline() {
        long tick = wheel.nextDeadlineTick();
        if (otherWheel != null) tick = Math.min(tick, otherWheel.nextDeadlineTick());
        return tick == Long.MAX_VALUE ? Long.MAX_VALUE : origin + tick * config.timerTickNanos();
    }

    // -- timers ----------------------------------------------------------------------------------

    /** Arms entry (or auxiliary) timer {@code id} for the first tick at or after {@code deadlineNanos}. */
    void schedule(int id, long deadlineNanos) {
        wheel.schedule(id, Math.ceilDiv(deadlineNanos - origin, config.timerTickNanos()));
    }

    void cancel(int id) {
        wheel.cancel(id);
    }

    /** Arms entry timer {@code id} of wheel {@code w} (the main one or a second domain's). */
    void schedule(TimerWheel w, int id, long deadlineNanos) {
        w.schedule(id, Math.ceilDiv(deadlineNanos - origin, config.timerTickNanos()));
    }

    void cancel(TimerWheel w, int id) {
        w.cancel(id);
    }

    /** Runs {@code task} once, {@code delayNanos} from now; returns its id for {@link #cancelTask}. */
    int after(long delayNanos, Runnable task) {
        int aux = wheel.allocateAux();
        tasks.put(aux, task);
        schedule(aux, now + delayNanos);
        return aux;
    }

    void cancelTask(int aux) {
        if (tasks.remove(aux) != null) wheel.releaseAux(aux);
    }

    private void expired(int id) {
        if (id >= 0) {
            entryTimers.expired(id);
            return;
        }
        Runnable task = tasks.remove(id);
        wheel.releaseAux(id);
        if (task != null) task.run();
    }

    // -- out -------------------------------------------------------------------------------------

    void act(Action a) {
        out.accept(a);
    }

    void emit(Kind kind, int link, int address, HardwareAddress hw, NeighborState state, Reason reason) {
        emit(kind, link, address, hw, state, reason, 0, null);
    }

    void emit(Kind kind, int link, int address, HardwareAddress hw, NeighborState state, Reason reason,
              long latencyNanos, String detail) {
        emit(kind, link, address, null, hw, null, state, reason, latencyNanos, detail);
    }

    /** An event about an IPv4 {@code address} or, when {@code address6} is not null, an IPv6 one. */
    void emit(Kind kind, int link, int address, Ip6Address address6, HardwareAddress hw, NeighborState state, Reason reason,
              long latencyNanos, String detail) {
        emit(kind, link, address, address6, hw, null, state, reason, latencyNanos, detail);
    }

    /** An event about a dispute: {@code hw} the other station's address, {@code known} ours or the one believed. */
    void emit(Kind kind, int link, int address, HardwareAddress hw, HardwareAddress known, NeighborState state, Reason reason) {
        emit(kind, link, address, null, hw, known, state, reason, 0, null);
    }

    /** The general form: an IPv4 {@code address} or an IPv6 {@code address6}, with {@code known} for a dispute. */
    void emit(Kind kind, int link, int address, Ip6Address address6, HardwareAddress hw, HardwareAddress known,
                      NeighborState state, Reason reason, long latencyNanos, String detail) {
        counters[reason.ordinal()]++;
        if (out.wants(kind)) out.accept(new Action.Emit(new EngineEvent(now, kind, link, address, hw, state, reason, latencyNanos, detail, known, address6)));
    }

    /** Auxiliary timers armed now. */
    int tasks() {
        return tasks.size();
    }

    long count(Reason reason) {
        return counters[reason.ordinal()];
    }
}
