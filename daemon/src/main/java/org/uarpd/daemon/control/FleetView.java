package org.uarpd.daemon.control;

import org.uarpd.daemon.control.protocol.Response;

/**
 * The daemon's side of fleet mode as the control socket sees it. An interface of the daemon's own,
 * so that the control service names no fleet-module type and a host without a fleet loads none.
 */
public interface FleetView extends AutoCloseable {
    /**
     * Names the running uarpd's lease (hex) to the successor {@code uarpctl restart} starts, which keeps
     * it alive from its own start and claims nothing of its own until told what it owns ({@link #adopt}).
     */
    String LEASE_ENVIRONMENT = "UARPD_FLEET_LEASE";

    /** The lease held now, in hex, or null while none is: what {@link #LEASE_ENVIRONMENT} carries. */
    String lease();

    /**
     * Waits (at most {@code millis}) until etcd has answered this host, e.g. a successor's first
     * keepalive of the lease it carries on: only then does the old uarpd pass its groups on, so that
     * a fresh JVM's slow first round trip cannot let the lease lapse.
     */
    void awaitReachable(long millis);

    /**
     * For {@code uarpctl restart}, once the successor serves: passes the lease and the owned groups on,
     * and on the loop, in one turn, takes the groups' entries out of the engine and gives their text
     * form (for the successor's {@link #adopt}) to {@code send}. Throws, with this uarpd carrying on
     * with the groups, when {@code send} fails.
     */
    void passOn(java.util.function.Consumer<String> send);

    /**
     * Carries on with what {@link #passOn} returned (in the successor, or here again when it could not
     * be sent); null: nothing was passed on, claim as usual.
     */
    void adopt(String tenure);

    /** {@code show fleet}: a snapshot, safe from any thread. */
    Response.Fleet show();

    /**
     * A clean stop, while the loop still runs: takes the owned groups' entries out of the engine, waits
     * until the loop has done so, and only then hands the groups over, so the standby answers at once
     * and never together with this host. Returns without handing over if the loop does not confirm in
     * time; {@link #close} then does it once the loop has stopped.
     */
    void handOver();

    /** Stops answering for the groups this host owns, then hands them over (after the loop stopped). */
    @Override
    void close();
}
