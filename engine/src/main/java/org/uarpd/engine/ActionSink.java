package org.uarpd.engine;

/** Receives the engine's actions, in order, during the call that produced them. */
@FunctionalInterface
public interface ActionSink {
    void accept(Action action);

    /**
     * Whether this sink wants {@link Action.Emit} for events of {@code kind}; the engine counts every
     * event either way ({@link Engine#count}). A sink that ignores some kinds says so here, so that
     * the engine builds no event for it: a host hearing every broadcast of a busy segment would
     * otherwise make one for each request it is not the target of.
     */
    default boolean wants(EngineEvent.Kind kind) {
        return true;
    }
}
