package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;

/**
 * One change or decision, with what logs, metrics and the monitor need. {@code hardware} and
 * {@code reason} may be null where they do not apply.
 */
public record EngineEvent(long time, Kind kind, int link, int address, HardwareAddress hardware, String reason) {
    public enum Kind {
        ADDED, CHANGED, REMOVED, FAILED, RESOLVED, REQUESTED, ANSWERED, IGNORED, DROPPED
    }
}
