package org.uarpd.sim;

import java.util.function.Consumer;

/**
 * A process's end of the simulated routing socket (PF_ROUTE): it reads every message the kernel
 * broadcasts and writes route changes, which the kernel applies at once and echoes to the other
 * sockets, as 4.4BSD's {@code route_output} does.
 */
public final class RoutingSocket {
    private final RoutingSockets kernel;
    private final int pid;
    final Consumer<byte[]> reader;
    boolean open = true;

    RoutingSocket(RoutingSockets kernel, int pid, Consumer<byte[]> reader) {
        this.kernel = kernel;
        this.pid = pid;
        this.reader = reader;
    }

    public int pid() {
        return pid;
    }

    /** Writes one message; returns 0 or the errno the kernel set on it. */
    public int write(byte[] message) {
        if (!open) throw new IllegalStateException("routing socket of pid " + pid + " is closed");
        return kernel.write(this, message);
    }

    public void close() {
        if (open) {
            open = false;
            kernel.closed(this);
        }
    }
}
