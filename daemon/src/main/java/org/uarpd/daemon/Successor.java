package org.uarpd.daemon;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.uarpd.linux.HandoverChannel;
import org.uarpd.linux.SystemdNotify;

/**
 * A uarpd started by {@code uarpctl restart} ({@link Restarter}): it finds the channel to the uarpd it
 * replaces in {@link HandoverChannel#ENVIRONMENT} and calls back at once, warms up while that one
 * serves, receives its host ({@link org.uarpd.linux.LinuxBackend#succeed}), says it serves from its
 * loop's first turn, and sends {@code READY=1} once the old one has made it systemd's main process.
 * If it gives up before serving, the old one is told why: the last lines it wrote on stderr (which
 * also go where they always go).
 */
final class Successor implements AutoCloseable {
    /** Enough of stderr's end for a refused config file's mistakes and the verdict. */
    private static final int KEPT = 2000;
    /** How long it waits for the old uarpd to make it the main process (a message and a datagram away). */
    private static final long MAIN_NANOS = 30_000_000_000L;

    private final HandoverChannel channel;
    private final ByteArrayOutputStream said = new ByteArrayOutputStream();
    private volatile boolean serving;
    /** What may only start once the old uarpd is gone (it holds the metrics port until then). */
    private final java.util.List<Runnable> afterPredecessor = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Takes what the old uarpd's fleet passed on (null: nothing came); set before {@link #serving}. */
    private volatile java.util.function.Consumer<String> fleet;
    /** Returns once this uarpd's fleet has heard from etcd (or gave up waiting). */
    private volatile Runnable fleetReachable = () -> { };

    private Successor(HandoverChannel channel) {
        this.channel = channel;
        PrintStream err = System.err;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                err.write(b);
                keep(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                err.write(b, off, len);
                keep(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The successor's part when this uarpd was started by a restart, else null. */
    static Successor fromEnvironment() {
        String name = System.getenv(HandoverChannel.ENVIRONMENT);
        return name == null || name.isEmpty() ? null : new Successor(HandoverChannel.connect(name));
    }

    HandoverChannel channel() {
        return channel;
    }

    private synchronized void keep(byte[] b, int off, int len) {
        if (serving) return;
        said.write(b, off, len);
        if (said.size() > 2 * KEPT) {
            byte[] all = said.toByteArray();
            said.reset();
            said.write(all, all.length - KEPT, KEPT);
        }
    }

    /**
     * On the loop's first turn: tells the old uarpd this one serves, and once it answers that this
     * one is the main process, says {@link #mainMessage} with {@code status}.
     */
    void serving(SystemdNotify notify, boolean watchdog, String status) {
        serving = true;
        channel.send(HandoverChannel.SERVING);
        Thread.ofPlatform().name("uarpd-successor").start(() -> {
            java.util.function.Consumer<String> f = fleet;
            // The old uarpd named its lease: it waits for word that this one's fleet can keep it alive.
            if (System.getenv(org.uarpd.daemon.control.FleetView.LEASE_ENVIRONMENT) != null) {
                fleetReachable.run();
                channel.send(HandoverChannel.FLEET);
            }
            HandoverChannel.Message m = receive();
            if (m != null && m.verb().equals(HandoverChannel.FLEET)) {
                if (f != null) f.accept(m.rest());
                f = null;
                m = receive();
            }
            if (f != null) f.accept(null); // nothing passed on: the fleet claims as usual
            if (m == null || !m.verb().equals(HandoverChannel.MAIN)) {
                System.err.println("uarpd run: the uarpd this one replaces did not hand the service over (" + (m == null ? "it went away" : m.text())
                        + "); serving anyway");
                return;
            }
            notify.send(mainMessage(ProcessHandle.current().pid(), watchdog, status));
            try {
                ProcessHandle.of(channel.peerPid()).ifPresent(old -> old.onExit().join());
                for (Runnable r : afterPredecessor) r.run();
            } catch (RuntimeException e) {
                System.err.println("uarpd run: " + e.getMessage() + (e.getCause() != null ? ": " + e.getCause().getMessage() : ""));
            }
        });
    }

    private HandoverChannel.Message receive() {
        try {
            return channel.receive(MAIN_NANOS);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The fleet's part ({@link org.uarpd.daemon.control.FleetView#adopt}): what the old uarpd's fleet passes on. Before {@link #serving}. */
    void fleet(java.util.function.Consumer<String> adopt, Runnable reachable) {
        fleet = adopt;
        fleetReachable = reachable;
    }

    /**
     * What the successor tells systemd once it is the main process: {@code MAINPID=}, {@code READY=1}
     * and, when systemd watches it ({@code WATCHDOG_USEC}), {@code WATCHDOG=1}. systemd takes a ping
     * only from the main process, so the loop's pings before this were dropped and the watchdog's
     * timer still runs from the old one's last ping; without a ping here the next would come a whole
     * ping interval later, and a handover slower than the remaining slack would be killed as hung.
     */
    static String mainMessage(long pid, boolean watchdog, String status) {
        return "MAINPID=" + pid + "\nREADY=1" + (watchdog ? "\nWATCHDOG=1" : "") + "\nSTATUS=" + status;
    }

    /** Runs {@code task} once the old uarpd has exited (on the thread that waits for it). Before {@link #serving}. */
    void afterPredecessor(Runnable task) {
        afterPredecessor.add(task);
    }

    /** The run ended with {@code code}: before serving, the old uarpd learns why. */
    void exited(int code) {
        if (serving) return;
        String why;
        synchronized (this) {
            why = said.toString(StandardCharsets.UTF_8).strip();
        }
        int cut = Math.max(0, why.length() - KEPT);
        try {
            channel.send(HandoverChannel.FAILED + " " + (why.isEmpty() ? "exit status " + code : why.substring(cut)));
        } catch (RuntimeException gone) {
            // the old uarpd stopped waiting: it reports the exit itself
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
