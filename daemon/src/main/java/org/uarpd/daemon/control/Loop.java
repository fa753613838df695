package org.uarpd.daemon.control;

import java.util.List;
import org.uarpd.engine.ActionSink;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.linux.LinuxBackend.LinkInfo;

/**
 * What the control service and the reloader need of the backend's event loop: a way onto its thread,
 * its clock, the sink that carries out actions, its links and its counters. Everything but
 * {@link #execute} and {@link #nanoTime} is to be called on the loop thread.
 */
public interface Loop {
    /** Runs {@code task} on the loop thread, between two inputs (any thread). */
    void execute(Runnable task);

    /** The loop's monotonic clock, the one it stamps inputs with. */
    long nanoTime();

    /** Carries out the actions of input fed from a task. */
    ActionSink sink();

    List<LinkInfo> linkInfo();

    /** The host's addresses on configured links, as (ifindex, address) pairs. */
    List<long[]> addresses();

    long installErrors();

    long droppedFrames();

    long resyncs();

    long policyFailures();

    /** The ifindex of configured link {@code name}; 0 when it is not present now. */
    default int indexOf(String name) {
        for (LinkInfo l : linkInfo()) if (l.name().equals(name)) return l.index();
        return 0;
    }

    /** The name of link {@code index}; "*" for 0 (every link). */
    default String nameOf(int index) {
        for (LinkInfo l : linkInfo()) if (l.index() == index) return l.name();
        return index == 0 ? "*" : "ifindex " + index;
    }

    /** The Linux backend's loop; it stamps inputs with {@link System#nanoTime()}. */
    static Loop of(LinuxBackend backend) {
        return new Loop() {
            @Override
            public void execute(Runnable task) {
                backend.execute(task);
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public ActionSink sink() {
                return backend;
            }

            @Override
            public List<LinkInfo> linkInfo() {
                return backend.linkInfo();
            }

            @Override
            public List<long[]> addresses() {
                return backend.addresses();
            }

            @Override
            public long installErrors() {
                return backend.installErrors();
            }

            @Override
            public long droppedFrames() {
                return backend.droppedFrames();
            }

            @Override
            public long resyncs() {
                return backend.resyncs();
            }

            @Override
            public long policyFailures() {
                return backend.policyFailures();
            }
        };
    }
}
