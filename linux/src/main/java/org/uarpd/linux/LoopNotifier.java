package org.uarpd.linux;

import java.time.Duration;
import java.util.Map;

/**
 * The event loop's side of systemd's notify protocol (sd_notify(3)): {@code WATCHDOG=1} every half
 * watchdog interval, as sd_watchdog_enabled(3) advises, sent by the loop's own thread between two
 * polls — so a loop that hangs falls silent and systemd restarts it — and {@code STOPPING=1} as soon
 * as the loop stops. The loop folds {@link #deadline} into its poll timeout so an idle loop wakes for
 * the ping; {@link #tick} allocates nothing.
 */
final class LoopNotifier {
    static final LoopNotifier OFF = new LoopNotifier(SystemdNotify.fromEnvironment(Map.of()), null);

    private final SystemdNotify notify;
    /** Nanoseconds between pings; 0: no watchdog. */
    private final long every;
    private long next;

    /** @param watchdog the interval systemd expects pings within, or null for none */
    LoopNotifier(SystemdNotify notify, Duration watchdog) {
        this.notify = notify;
        this.every = watchdog == null ? 0 : Math.max(1, watchdog.toNanos() / 2);
    }

    /** The loop starts: the first ping is due now. */
    void started(long now) {
        next = now;
    }

    /** {@code deadline} (the engine's; {@link Long#MAX_VALUE}: none), or the next ping when that is sooner. */
    long deadline(long deadline) {
        if (every == 0) return deadline;
        return deadline == Long.MAX_VALUE || next - deadline < 0 ? next : deadline;
    }

    /** Pings when one is due. A lost ping is retried at the next one: systemd waits a whole interval. */
    void tick(long now) {
        if (every == 0 || now - next < 0) return;
        notify.watchdog();
        next = now + every;
    }

    /** {@link #tick}, then {@code stopping}: the warm-up's test between two rounds. */
    boolean tickedStopping(long now, boolean stopping) {
        tick(now);
        return stopping;
    }

    /** STOPPING=1; a failure is logged, never thrown: stopping goes on. */
    void stopping(EventLog log) {
        try {
            notify.stopping();
        } catch (RuntimeException e) {
            LogLines.note(log, "error: cannot tell systemd uarpd is stopping: %s", e.getMessage());
        }
    }
}
