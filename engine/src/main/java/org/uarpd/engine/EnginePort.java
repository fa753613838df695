package org.uarpd.engine;

/**
 * The one port every backend drives: hand the engine an {@link Input} with the time it happened,
 * carry out the actions it gives the sink during the call, and call again no later than
 * {@link #nextDeadline()}. {@link Engine} implements it; a daemon may wrap it (to count, monitor or
 * serialise operator commands) and hand the wrapper to the backend instead.
 */
public interface EnginePort {
    /** Handles {@code input}, which happened at {@code nowNanos} on the backend's monotonic clock. */
    void handle(long nowNanos, Input input, ActionSink out);

    /** The clock value at which the engine next wants {@link Input.TimeAdvanced}; {@link Long#MAX_VALUE} for never. */
    long nextDeadline();
}
