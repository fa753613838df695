package org.uarpd.fleet;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A host's membership of a fleet: ownership of published groups through etcd leases, and a local
 * read-only copy of the fleet's directory of bindings.
 *
 * <p>Only {@link #start} touches the etcd client library, so a daemon that never calls it never
 * loads any of it.
 */
public interface Fleet extends AutoCloseable {

    /**
     * Connects in the background and returns at once: ownership is claimed as soon as etcd answers,
     * and until then {@link #mayAnswer} is false for every group while {@link #lookup} serves nothing.
     */
    static Fleet start(FleetConfig config, FleetListener listener) {
        return EtcdFleet.start(config, listener, 0);
    }

    /**
     * Like {@link #start}, for the successor of a process of this same host ({@code uarpctl restart}):
     * it keeps {@code leaseId}, the predecessor's lease, alive instead of taking one of its own, and
     * claims nothing until {@link #adopt} tells it what it owns.
     */
    static Fleet carryOn(FleetConfig config, FleetListener listener, long leaseId) {
        return EtcdFleet.start(config, listener, leaseId);
    }

    /**
     * Whether this host may answer for {@code group} at this instant: it holds the ownership key and
     * its lease cannot have expired anywhere yet. Cheap and thread-safe; call it right before sending
     * each answer, since {@link FleetListener#lost} may arrive a scheduling delay late.
     */
    boolean mayAnswer(String group);

    /** The directory's binding for {@code ip} as this host last saw it; a hint, never a reason to drop a resolution. */
    Optional<Binding> lookup(InetAddress ip);

    /** Writes a binding this host is sure of, tied to its lease, and rewrites it under every later lease. */
    void publish(Binding binding);

    /** Removes a binding this host wrote, unless another host has overwritten it since. */
    void withdraw(InetAddress ip);

    FleetHealth health();

    /**
     * For a successor of this host: stops answering ({@link FleetListener#lost} for each owned group) and
     * claiming, and returns the lease and the groups owned under it. Keepalives go on (any client may
     * send them; the successor sends its own) until {@link #close}, which neither hands over nor revokes.
     * {@link #adopt} with the result undoes it.
     */
    Tenure passOn();

    /**
     * Carries on with what a predecessor passed on: each group whose ownership key is still at the
     * revision passed, under this lease, is gained at once; the others are claimed as usual.
     */
    void adopt(Tenure tenure);

    /**
     * Stops answering, hands each owned group straight to a standby that publishes it, then revokes the
     * lease so that other hosts take over whatever could not be handed over.
     */
    @Override
    void close();
}
