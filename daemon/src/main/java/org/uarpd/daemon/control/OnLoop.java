package org.uarpd.daemon.control;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.uarpd.linux.LoopControl;

/** Running work on the loop thread from another thread and waiting for its result. */
final class OnLoop {
    static final long TIMEOUT_SECONDS = 10;

    private OnLoop() {}

    /** Runs {@code work} on {@code loop}'s thread; its {@link ControlException} comes back as it is. */
    static <T> T call(LoopControl loop, Callable<T> work) throws ControlException {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return await(result, TIMEOUT_SECONDS, "uarpd's event loop did not answer within " + TIMEOUT_SECONDS + " s");
    }

    /** The result of {@code f}, or {@code late} as the error when it takes longer than {@code seconds}. */
    static <T> T await(CompletableFuture<T> f, long seconds, String late) throws ControlException {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ControlException c) throw c;
            throw new ControlException("internal error: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ControlException(late);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted");
        }
    }
}
