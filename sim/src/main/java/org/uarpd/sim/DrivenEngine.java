package org.uarpd.sim;

import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Input;

/**
 * The two calls the sim backend makes on the engine (COMMON contract: {@code handle} and
 * {@code nextDeadline}); the seam lets a host's daemon be the real engine built from a scenario's
 * configuration.
 */
public interface DrivenEngine {
    void handle(long nowNanos, Input input, ActionSink out);

    long nextDeadline();
}
