package org.uarpd.daemon.control.protocol;

/** A request or response that cannot be read, or names what does not exist; the message is for the operator. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
