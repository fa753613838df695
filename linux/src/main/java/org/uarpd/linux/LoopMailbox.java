package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * What other threads hand the event loop — operator commands and tasks (control socket, reload,
 * metrics) — and the eventfd(2) that wakes its poll(2) for them. Any thread posts; only the loop
 * thread drains, so only the loop ever touches the engine port.
 */
final class LoopMailbox implements AutoCloseable {
    private final ConcurrentLinkedQueue<org.uarpd.engine.OperatorCommand> commands = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Arena arena = Arena.ofShared();
    /** Where a drain reads the eventfd's counter into; the loop thread's alone. */
    private final MemorySegment counter = arena.allocate(8, 8);
    private volatile int fd = -1;

    /** Opens the eventfd (idempotent); returns its descriptor for the poll set. */
    int open() {
        if (fd < 0) fd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        return fd;
    }

    void post(org.uarpd.engine.OperatorCommand c) {
        commands.add(c);
        wake();
    }

    void post(Runnable task) {
        tasks.add(task);
        wake();
    }

    /** Makes the loop's poll return (from any thread; before {@link #open} it does nothing). */
    void wake() {
        int f = fd;
        if (f < 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(8, 8);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.tryWrite(f, one, 8);
        }
    }

    /**
     * Loop thread: resets the eventfd, hands every posted command to {@code commands}, then runs every
     * posted task through {@code runner} (which stamps the time and keeps one failing task from
     * stopping the loop).
     */
    void drain(Consumer<org.uarpd.engine.OperatorCommand> commandSink, Consumer<Runnable> runner) {
        Libc.tryRead(fd, counter, 8);
        org.uarpd.engine.OperatorCommand c;
        while ((c = commands.poll()) != null) commandSink.accept(c);
        Runnable task;
        while ((task = tasks.poll()) != null) runner.accept(task);
    }

    @Override
    public void close() {
        int f = fd;
        if (f >= 0) {
            fd = -1;
            Libc.close(f);
        }
    }
}
