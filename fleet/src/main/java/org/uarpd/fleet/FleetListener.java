package org.uarpd.fleet;

/**
 * What a fleet tells its host. Calls come on the fleet's own thread, one at a time and in order;
 * an implementation hands work to its own loop and returns at once.
 */
public interface FleetListener {

    /**
     * This host now answers for {@code group}; the right is tied to the ownership key's
     * {@code revision} and, on every answer, to {@link Fleet#mayAnswer(String)}.
     */
    void gained(String group, long revision);

    /**
     * Time to send gratuitous ARP (request and reply forms) for {@code group}; called at each offset
     * of {@link FleetConfig#announceSchedule()} while the group stays owned at {@code revision}.
     * {@code index} counts from 0.
     */
    void announce(String group, long revision, int index);

    /** This host must stop answering for {@code group} now: hand-over, lost lease or unreachable etcd. */
    void lost(String group, String reason);

    /**
     * The directory copy changed: {@code ip} is now bound as {@code now}, or no longer held when
     * {@code now} is null. Entries written by this host come too ({@link Binding#host()} tells).
     */
    default void bindingChanged(java.net.InetAddress ip, Binding now) {}

    /** Store reachability changed; {@link Fleet#health()} has the details. */
    default void healthChanged(boolean connected) {}
}
