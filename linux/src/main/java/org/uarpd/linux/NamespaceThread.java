package org.uarpd.linux;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A thread living in another network namespace (setns(2) is per thread for CLONE_NEWNET): sockets it
 * opens, /proc/sys/net files it writes and processes it starts belong to that namespace.
 */
public final class NamespaceThread implements AutoCloseable {
    private final ExecutorService executor;
    private final String namespace;

    public NamespaceThread(String namespace) {
        this.namespace = namespace;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + namespace);
            t.setDaemon(true);
            return t;
        });
        try {
            call(() -> {
                int fd = Libc.open("/var/run/netns/" + namespace, Libc.O_RDONLY | Libc.O_CLOEXEC);
                try {
                    Libc.setns(fd, Libc.CLONE_NEWNET, "network namespace " + namespace);
                } finally {
                    Libc.close(fd);
                }
                return null;
            });
        } catch (RuntimeException | Error e) {
            executor.shutdownNow(); // the caller gets no object to close: the thread must not outlive the failure
            throw e;
        }
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code task} on the namespace's thread and returns its result (rethrowing its failure). */
    public <T> T call(Callable<T> task) {
        Future<T> f = executor.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
