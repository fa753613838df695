package org.uarpd.linux;

import java.util.List;
import org.uarpd.engine.ActionSink;

/**
 * What the rest of uarpd (control socket, reload, metrics) may ask of the running event loop. Only
 * the loop thread touches the engine port, so work that feeds it goes through {@link #execute}; as
 * an {@link ActionSink} the loop carries out the actions such work produces (call it on the loop
 * thread only, inside a task).
 */
public interface LoopControl extends ActionSink {
    /** Runs {@code task} on the loop thread between two inputs (from any thread). */
    void execute(Runnable task);

    /** The loop's monotonic clock: the time it stamps every input with (any thread). */
    long nanoTime();

    /** The configured interfaces (call on the loop thread). */
    List<LinuxBackend.LinkInfo> linkInfo();

    /** The host's addresses on configured links, as (ifindex, address) pairs (call on the loop thread). */
    List<long[]> addresses();

    /** Requests the kernel refused while carrying out actions (neighbour installs and removals, routes, sends). */
    long installErrors();

    /** Frames the engine asked to send on a link that was gone. */
    long droppedFrames();

    /** Times the loop resynchronised from dumps because the kernel dropped notifications (ENOBUFS). */
    long resyncs();

    /** Inputs the engine port threw on (each logged; the loop went on). */
    long policyFailures();

    /** The ifindex of configured link {@code name}; 0 when it is not present now. */
    default int indexOf(String name) {
        for (LinuxBackend.LinkInfo l : linkInfo()) if (l.name().equals(name)) return l.index();
        return 0;
    }

    /** The name of link {@code index}; "*" for 0 (every link). */
    default String nameOf(int index) {
        for (LinuxBackend.LinkInfo l : linkInfo()) if (l.index() == index) return l.name();
        return index == 0 ? "*" : "ifindex " + index;
    }
}
