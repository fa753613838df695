package org.uarpd.linux;

import java.util.Arrays;
import java.util.List;

/**
 * What one uarpd holds on its host — the interface locks ({@link InterfaceLocks}), the journal of
 * every change ({@link HostJournal}) and the crash restorer behind it — and the two ways it lets go:
 * at exit it undoes every change; handed to a successor ({@code uarpctl restart}, over a
 * {@link HandoverChannel}) it leaves every change in place and the successor carries the same locks,
 * the same owned nftables sockets and the same journal on, its own crash restorer armed with it
 * before this one's is disarmed. At no moment is the host unguarded or the interfaces unlocked.
 */
final class HostHold {
    /** How long a successor waits for the host once it said it is ready (the running uarpd answers at once). */
    private static final long HOST_TIMEOUT_NANOS = 30_000_000_000L;

    private final EventLog log;
    private InterfaceLocks locks;
    private PendingRestorer restorer;
    private volatile HostJournal journal;
    /** A successor's line to the uarpd it replaces: the locks and the journal come from there. */
    private HandoverChannel predecessor;
    /** Everything went to a successor: leaving lets go instead of undoing. */
    private volatile boolean handedOver;
    /**
     * The journal went to a successor ({@link #handOver}) and whether it serves with it is not
     * decided yet ({@link #handedOver} or {@link #handOverAbandoned}): undoing it now would take the
     * host from under a successor about to serve. Guarded by {@code this}.
     */
    private boolean handingOver;
    /** The loop runs: a successor's host is its own from then on (before, its predecessor still holds all of it). */
    private volatile boolean serving;

    HostHold(EventLog log) {
        this.log = log;
    }

    /** A host held already, as after {@link #take} and {@link #open} (for tests without a kernel to change). */
    HostHold(EventLog log, HostJournal journal, InterfaceLocks locks) {
        this.log = log;
        this.journal = journal;
        this.locks = locks;
    }

    /** Takes the host over from the uarpd at the other end of {@code from} rather than from the kernel. Before {@link #take}. */
    void succeed(HandoverChannel from) {
        predecessor = from;
    }

    /**
     * Every interface's lock (a successor's come with the journal, in {@link #open}: its predecessor
     * holds them until then), and the crash restorer spawned in the background.
     */
    void take(List<String> names) {
        if (predecessor == null) locks = InterfaceLocks.take(names);
        restorer = new PendingRestorer();
    }

    /**
     * The journal the host is changed through: a new one, or a successor's predecessor's, received
     * now. {@code links} ({@link #describe}) lets the predecessor refuse a successor configured for
     * other links or modes: their locks and settings are what is handed over.
     */
    HostJournal open(Rtnetlink rtnl, String links) {
        CrashRestorer r = restorer.get();
        journal = predecessor == null ? new HostJournal(rtnl, r, new KernelSettings(), log) : receive(rtnl, r, links);
        return journal;
    }

    /** The links a uarpd serves as {@code name:mode,…}, in its configuration's order: what a successor must serve too. */
    static String describe(List<LinuxBackend.LinkInfo> links) {
        return String.join(",", links.stream().map(l -> l.name() + ":" + l.mode().name().toLowerCase()).toList());
    }

    private HostJournal receive(Rtnetlink rtnl, CrashRestorer r, String links) {
        // Its restorer, which the predecessor waits for if this one dies holding part of the host.
        predecessor.send(HandoverChannel.READY + " " + r.pid() + " " + links);
        HandoverChannel.Message m = predecessor.receive(HOST_TIMEOUT_NANOS);
        if (m == null) throw new IllegalStateException("the uarpd being replaced went away before handing its host over");
        int[] fds = m.fds();
        try {
            if (!m.verb().equals(HandoverChannel.HOST)) throw new IllegalStateException("handover: expected the host, got '" + m.text() + "'");
            List<String> lines = m.rest().lines().toList();
            int held = Integer.parseInt(lines.get(0));
            if (held > fds.length) throw new IllegalStateException("handover: " + held + " locks announced, " + fds.length + " sockets came");
            HostJournal j = HostJournal.adopt(rtnl, r, new KernelSettings(), log, lines.subList(1, lines.size()),
                    Arrays.copyOfRange(fds, held, fds.length));
            locks = InterfaceLocks.adopt(Arrays.copyOf(fds, held));
            predecessor.send(HandoverChannel.ARMED + " " + r.pid());
            LogLines.note(log, "took over %d host change%s and %d interface lock%s from pid %d", lines.size() - 1,
                    lines.size() == 2 ? "" : "s", held, held == 1 ? "" : "s", predecessor.peerPid());
            return j;
        } catch (RuntimeException e) {
            for (int fd : fds) Libc.close(fd); // our copies only: the predecessor still holds its own
            throw e;
        }
    }

    /** The journal once {@link #open}ed, else null. */
    HostJournal journal() {
        return journal;
    }

    /**
     * Sends the locks and the journal, with copies of their sockets, to a successor serving {@code
     * itsLinks} (refused unless they are {@code ours}); this uarpd keeps them until {@link #handedOver}.
     */
    void handOver(HandoverChannel to, String itsLinks, String ours) {
        HostJournal j = journal;
        if (j == null || locks == null) throw new IllegalStateException("this uarpd holds no host yet");
        if (!itsLinks.equals(ours)) {
            throw new IllegalStateException("the new uarpd would serve " + itsLinks.replace(',', ' ') + " where this one serves "
                    + ours.replace(',', ' ') + ": a restart hands the same links in the same modes over (stop and start uarpd to change them)");
        }
        synchronized (this) {
            handingOver = true;
        }
        HostJournal.Exported e = j.export();
        int[] held = locks.descriptors();
        int[] fds = Arrays.copyOf(held, held.length + e.fds().length);
        System.arraycopy(e.fds(), 0, fds, held.length, e.fds().length);
        to.send(HandoverChannel.HOST + " " + held.length + (e.lines().isEmpty() ? "" : "\n" + String.join("\n", e.lines())), fds);
    }

    /** The successor serves with everything: from now on, leaving lets go of the host without undoing it. */
    synchronized void handedOver() {
        handedOver = true;
        handingOver = false;
        notifyAll();
    }

    /** The successor will not serve (it failed or was stopped): this uarpd keeps the host, and a stop undoes it again. */
    synchronized void handOverAbandoned() {
        handingOver = false;
        notifyAll();
    }

    /** Waits while a handover is undecided ({@link #handingOver}); every step of one has a deadline. */
    private synchronized void awaitHandOverDecided() {
        boolean interrupted = false;
        while (handingOver) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    boolean isHandedOver() {
        return handedOver;
    }

    /** The loop runs with this host. */
    void serving() {
        serving = true;
    }

    /** A successor that had adopted the journal died, and its crash restorer undid it: every change is made again. */
    void reassert() {
        HostJournal j = journal;
        if (j != null) j.reassert();
    }

    /**
     * Gives the kernel its ARP and ND back now, ahead of the clean-up (nothing when handed over).
     * During a handover it waits until that is decided: handed over, the successor keeps everything;
     * abandoned, this uarpd undoes it as at any stop.
     */
    void handBack() {
        awaitHandOverDecided();
        HostJournal j = journal;
        if (j != null && !handedOver) j.undoAll();
    }

    /**
     * First of the clean-up: every change undone — or left as it is, when handed to a successor, or
     * when this successor gives up before serving (its predecessor still serves with all of it) — and
     * the restorer stopped (idempotent).
     */
    void leave() {
        if (journal != null) {
            if (handedOver || (predecessor != null && !serving)) journal.release();
            else journal.undoAll();
            journal = null;
        } else if (restorer != null) restorer.discard(); // stopped before the first host change
        restorer = null;
    }

    /** Last of the clean-up: the next uarpd may start once the host is back as it was (idempotent). */
    void unlock() {
        if (locks != null) {
            locks.close();
            locks = null;
        }
    }
}
