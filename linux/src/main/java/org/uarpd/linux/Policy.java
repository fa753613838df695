package org.uarpd.linux;

import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Input;

/**
 * What the backend drives: the engine's contract ({@code Engine.handle} / {@code Engine.nextDeadline},
 * COMMON.md), named here so this module depends on the shape, not on one implementation. The daemon
 * passes the engine in with {@code Policy.of(engine::handle, engine::nextDeadline)}.
 */
public interface Policy {
    void handle(long nowNanos, Input input, ActionSink out);

    /** The next {@code System.nanoTime()} at which the policy wants {@code TimeAdvanced}; Long.MAX_VALUE for never. */
    long nextDeadline();

    interface Handler {
        void handle(long nowNanos, Input input, ActionSink out);
    }

    static Policy of(Handler handler, java.util.function.LongSupplier nextDeadline) {
        return new Policy() {
            @Override
            public void handle(long nowNanos, Input input, ActionSink out) {
                handler.handle(nowNanos, input, out);
            }

            @Override
            public long nextDeadline() {
                return nextDeadline.getAsLong();
            }
        };
    }
}
