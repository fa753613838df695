package org.uarpd.engine;

/** Receives the engine's actions, in order, during the call that produced them. */
@FunctionalInterface
public interface ActionSink {
    void accept(Action action);
}
