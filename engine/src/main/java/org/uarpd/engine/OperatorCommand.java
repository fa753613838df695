package org.uarpd.engine;

import org.uarpd.wire.HardwareAddress;

/** What an operator can ask of the engine directly. */
public sealed interface OperatorCommand {
    /** Pin a binding that nothing on the wire can change (installed into the kernel as STATIC). */
    record AddStatic(int link, int address, HardwareAddress hardware) implements OperatorCommand {}

    record DeleteStatic(int link, int address) implements OperatorCommand {}

    /** Drop every dynamic entry on {@code link} (all links when {@code link} is 0). */
    record Flush(int link) implements OperatorCommand {}

    /** Resolve {@code address} on {@code link} now, for uarpd's own needs. */
    record Probe(int link, int address) implements OperatorCommand {}

    /** Answer for {@code entry} on {@code link} (on every link when {@code link} is 0). */
    record Publish(int link, PublishedEntry entry) implements OperatorCommand {}

    /** Stop answering for an entry added by {@link Publish} (matched by equality, same link). */
    record Unpublish(int link, PublishedEntry entry) implements OperatorCommand {}
}
