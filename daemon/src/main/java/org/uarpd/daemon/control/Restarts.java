package org.uarpd.daemon.control;

/** What {@code uarpctl restart} asks of the daemon: a successor started and serving, or why not. */
public interface Restarts {
    /** What to tell the operator, and what to do once told (this uarpd stops). */
    record Restarted(String message, Runnable then) {}

    /** Replaces this uarpd; throws, with this one still serving, when the successor could not take over. */
    Restarted restart() throws ControlException;
}
