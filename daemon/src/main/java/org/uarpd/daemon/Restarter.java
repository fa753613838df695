package org.uarpd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.uarpd.daemon.control.ControlException;
import org.uarpd.daemon.control.ControlServer;
import org.uarpd.daemon.control.Restarts;
import org.uarpd.linux.HandoverChannel;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.linux.SystemdNotify;

/**
 * {@code uarpctl restart} in the running uarpd: starts its successor with this process's own
 * arguments and environment (so the same configuration file and flags; through the launcher script
 * when there is one, see {@link #successorCommand}), plus {@link
 * HandoverChannel#ENVIRONMENT} naming a private channel, and goes on serving while the successor
 * warms up and opens its sockets. Then it hands the host over ({@link LinuxBackend#handOver}); once
 * the successor serves, it tells systemd the new {@code MAINPID=} (with {@code NotifyAccess=main} only
 * the main process may), answers the operator and stops without undoing any host setting ({@link
 * LinuxBackend#retire}). For that instant both answer: a duplicate ARP reply or neighbour
 * advertisement carries the same hardware address, which a requester simply believes twice.
 *
 * <p>Whatever goes wrong before the successor serves — it cannot start, its configuration is refused,
 * it dies — it is stopped, this uarpd never stopped serving, and the operator is told why. One
 * restart at a time.
 */
final class Restarter implements Restarts {
    /** From exec to calling back: a JVM start, not the warm-up. */
    private static final long CALL_BACK_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** From calling back to ready: the warm-up, on a loaded machine too. */
    private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(120);
    /** Each later step: a few system calls. */
    private static final long STEP_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final LinuxBackend backend;
    private final SystemdNotify notify;
    private final ControlServer control;
    private final Logger log;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The fleet, when this uarpd is in one: its lease and groups pass to the successor. */
    private volatile org.uarpd.daemon.control.FleetView fleet;

    Restarter(LinuxBackend backend, SystemdNotify notify, ControlServer control, Logger log) {
        this.backend = backend;
        this.notify = notify;
        this.control = control;
        this.log = log;
    }

    /** This uarpd's fleet (null: none): the successor carries on under its lease and owns its groups without a gap. */
    void fleet(org.uarpd.daemon.control.FleetView f) {
        fleet = f;
    }

    @Override
    public Restarted restart() throws ControlException {
        if (!busy.compareAndSet(false, true)) throw new ControlException("a restart is already under way");
        try {
            return replace();
        } catch (ControlException | RuntimeException e) {
            busy.set(false);
            throw e;
        }
    }

    private Restarted replace() throws ControlException {
        long self = ProcessHandle.current().pid();
        log.info("restart: starting a successor");
        try (HandoverChannel.Listener listener = new HandoverChannel.Listener()) {
            org.uarpd.daemon.control.FleetView f = fleet;
            String lease = f != null ? f.lease() : null;
            Process successor = spawn(listener.name(), lease);
            HandoverChannel channel = null;
            long restorer = 0; // the successor's crash restorer, once it may hold part of the host
            try {
                channel = listener.accept(successor.pid(), CALL_BACK_NANOS, successor::isAlive);
                if (channel == null) throw failed(successor, "did not call back");
                HandoverChannel.Message ready = expect(channel, successor, HandoverChannel.READY, WARM_UP_NANOS);
                String[] pidAndLinks = ready.rest().split(" ", 2);
                restorer = Long.parseLong(pidAndLinks[0]);
                backend.handOver(channel, pidAndLinks.length > 1 ? pidAndLinks[1] : "");
                expect(channel, successor, HandoverChannel.ARMED, STEP_NANOS);
                expect(channel, successor, HandoverChannel.SERVING, STEP_NANOS);
                if (lease != null) passFleetOn(f, channel, successor);
                notify.mainPid(successor.pid()); // before this one exits: systemd must never see the service without a main process
                notify.status("handed over to pid " + successor.pid());
                channel.send(HandoverChannel.MAIN);
            } catch (ControlException | RuntimeException e) {
                abandon(successor, channel, restorer);
                throw e instanceof ControlException c ? c : new ControlException("restart failed: " + e.getMessage()
                        + "; this uarpd (pid " + self + ") goes on serving");
            }
            log.info("restart: pid {} serves now; this one stops and leaves every host setting to it", successor.pid());
            HandoverChannel done = channel;
            return new Restarted("uarpd pid " + successor.pid() + " serves now; pid " + self + " handed everything over and exits", () -> {
                backend.retire();
                done.close();
            });
        }
    }

    /**
     * The launcher script that started this uarpd ({@code bin/uarpd}, or the package's
     * {@code /usr/bin/uarpd}), which names itself here: the successor starts through it, so after an
     * upgrade it runs the new package's runtime and jars.
     */
    static final String LAUNCHER = "UARPD_LAUNCHER";

    /** The successor: this uarpd's command again, with the channel's name in its environment. */
    private static Process spawn(String channel, String fleetLease) throws ControlException {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> argv = successorCommand(List.of(new String(raw, StandardCharsets.UTF_8).split("\0")), System.getenv(LAUNCHER));
            ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
            pb.environment().put(HandoverChannel.ENVIRONMENT, channel);
            if (fleetLease != null) pb.environment().put(org.uarpd.daemon.control.FleetView.LEASE_ENVIRONMENT, fleetLease);
            else pb.environment().remove(org.uarpd.daemon.control.FleetView.LEASE_ENVIRONMENT);
            // It names this process: the successor is the one systemd will watch once it is the main process.
            pb.environment().remove(SystemdNotify.WATCHDOG_PID);
            return pb.start();
        } catch (IOException e) {
            throw new ControlException("restart failed: cannot start a new uarpd: " + e.getMessage() + "; this uarpd goes on serving");
        }
    }

    /**
     * The successor's command line from this process's ({@code cmdline}: java, its options, the main
     * class or {@code -jar FILE}, then uarpd's own arguments). With a {@code launcher}, it is the
     * launcher and uarpd's own arguments: the JVM's options name the installed version's jars, which
     * an upgrade removes. Without one (a JVM started directly, as the tests do), or when uarpd's
     * arguments cannot be told from the JVM's, it is {@code cmdline} as is.
     */
    static List<String> successorCommand(List<String> cmdline, String launcher) {
        if (launcher == null || launcher.isEmpty()) return cmdline;
        for (int i = 1; i < cmdline.size(); i++) {
            String a = cmdline.get(i);
            int first = a.equals("-jar") ? i + 2 : a.equals(Main.class.getName()) ? i + 1 : -1;
            if (first < 0) continue;
            if (first > cmdline.size()) break;
            List<String> argv = new java.util.ArrayList<>();
            argv.add(launcher);
            argv.addAll(cmdline.subList(first, cmdline.size()));
            return List.copyOf(argv);
        }
        return cmdline;
    }

    /**
     * The fleet's groups go from this loop to the successor's, once the successor's fleet has heard from
     * etcd: silent here first, then the lease and the groups on the channel, sent from this loop's very
     * turn (the successor answers on receipt). If they cannot be sent, this uarpd carries on with them
     * itself before the failure ends the restart.
     */
    private static void passFleetOn(org.uarpd.daemon.control.FleetView f, HandoverChannel channel, Process successor) throws ControlException {
        expect(channel, successor, HandoverChannel.FLEET, STEP_NANOS); // the successor's fleet has heard from etcd
        f.passOn(tenure -> channel.send(HandoverChannel.FLEET + " " + tenure));
    }

    /** The next message, which must be {@code verb}; the successor's failure or silence otherwise. */
    private static HandoverChannel.Message expect(HandoverChannel channel, Process successor, String verb, long timeoutNanos)
            throws ControlException {
        HandoverChannel.Message m = channel.receive(timeoutNanos);
        if (m == null) throw failed(successor, "went away");
        if (m.verb().equals(HandoverChannel.FAILED)) throw failed(successor, "gave up: " + m.rest().strip());
        if (!m.verb().equals(verb)) throw failed(successor, "said '" + m.text() + "' where '" + verb + "' was due");
        return m;
    }

    private static ControlException failed(Process successor, String what) {
        String status = "";
        try {
            if (successor.waitFor(2, TimeUnit.SECONDS)) status = " (exit status " + successor.exitValue() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ControlException("restart failed: the new uarpd (pid " + successor.pid() + ") " + what + status
                + "; this uarpd (pid " + ProcessHandle.current().pid() + ") goes on serving");
    }

    /**
     * Stops a successor that will not take over. If it may have adopted part of the host, its crash
     * restorer puts that back when it dies, under this running uarpd: wait for the restorer, then make
     * every change again. If it had moved its control socket over the configured path, bind that
     * path again.
     */
    private void abandon(Process successor, HandoverChannel channel, long restorer) {
        if (channel != null) channel.close();
        successor.destroyForcibly();
        try {
            successor.waitFor(10, TimeUnit.SECONDS);
            if (restorer > 0) {
                var handle = ProcessHandle.of(restorer);
                if (handle.isPresent()) handle.get().onExit().get(10, TimeUnit.SECONDS);
                backend.reassert();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.error("restart: the abandoned successor's crash restorer (pid {}) did not finish: {}", restorer, e.toString());
            backend.reassert();
        }
        backend.handOverAbandoned(); // a stop asked for meanwhile may undo the host now
        try {
            control.rebind(); // the successor may have renamed its control socket over this one's
        } catch (java.io.IOException | RuntimeException e) {
            log.error("restart: cannot bind the control socket {} again: {}; uarpctl does not reach this uarpd", control.path(), e.toString());
        }
        log.error("restart: the successor (pid {}) did not take over; this uarpd goes on serving", successor.pid());
    }
}
