package org.uarpd.daemon.control;

/** A control request that cannot be carried out; its message goes back to uarpctl verbatim. */
public final class ControlException extends Exception {
    public ControlException(String message) {
        super(message);
    }
}
