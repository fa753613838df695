package org.uarpd.daemon.control;

import org.uarpd.daemon.control.protocol.Response;

/**
 * The daemon's side of fleet mode as the control socket sees it. An interface of the daemon's own,
 * so that the control service names no fleet-module type and a host without a fleet loads none.
 */
public interface FleetView extends AutoCloseable {
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
