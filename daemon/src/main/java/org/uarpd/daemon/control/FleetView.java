package org.uarpd.daemon.control;

import org.uarpd.daemon.control.protocol.Response;

/**
 * The daemon's side of fleet mode as the control socket sees it. An interface of the daemon's own,
 * so that the control service names no fleet-module type and a host without a fleet loads none.
 */
public interface FleetView extends AutoCloseable {
    /** {@code show fleet}: a snapshot, safe from any thread. */
    Response.Fleet show();

    /** Stops answering for the groups this host owns, then hands them over. */
    @Override
    void close();
}
