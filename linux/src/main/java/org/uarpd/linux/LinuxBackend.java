package org.uarpd.linux;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.uarpd.engine.Action;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.Input;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.LinkMode;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.link.Ethernet;

/**
 * uarpd on a real Linux host: one event-loop thread polls every descriptor — the rtnetlink event
 * socket, two ARP packet sockets per interface (frames addressed to its MAC, read first, and the rest: {@link ArpFilter}), a RARP and an IPv6 neighbour discovery one, and an eventfd that wakes it for commands and
 * stop — and drives the {@link EnginePort}, whose next deadline is the poll timeout. The clock is
 * {@code System.nanoTime()}. Buffers are allocated once; the hot path (miss → request out → reply in
 * → install) reuses them.
 *
 * <p>The loop only moves data between the parts that do the work:
 * <ul>
 *   <li>{@link KernelTranslator}: rtnetlink messages → engine inputs (frames from the packet sockets
 *       go to the engine as they are);</li>
 *   <li>{@link ActionExecutor}: engine actions → packet-socket sends and rtnetlink requests;</li>
 *   <li>{@link HostJournal}: every change to the host (sysctls and nftables of {@link InterfaceTakeover},
 *       routes, addresses), put back by {@link #stop()} or, after SIGKILL, by the kernel and the
 *       {@link CrashRestorer}; held with the interface locks by {@link HostHold}, which can also hand
 *       all of it to a successor ({@link #handOver}, {@link #succeed}) for {@code uarpctl restart};</li>
 *   <li>{@link WarmUp}: the JIT warm-up before the loop runs ({@link #rehearse}).</li>
 * </ul>
 */
public final class LinuxBackend implements LoopControl, AutoCloseable {
    /** How many app probes (misses) the kernel sends on an authoritative link before it gives up. */
    public static final int APP_SOLICIT = InterfaceTakeover.APP_SOLICIT;

    /** Default of {@link #setSpinMicros}: off ({@link LoopPacing} says why). */
    public static final int DEFAULT_SPIN_MICROS = LoopPacing.DEFAULT_MICROS;

    /** The longest spin window accepted: beyond this, use --busy-poll and say so. */
    public static final int MAX_SPIN_MICROS = LoopPacing.MAX_MICROS;

    /** One configured interface. */
    public record Interface(String name, LinkMode mode) {}

    /** One configured interface as the loop sees it ({@link LoopControl#linkInfo}): index 0 while it is gone. */
    public record LinkInfo(String name, int index, HardwareAddress hardware, LinkMode mode) {}

    private final LinkTable links;
    private final LoopPacing pacing;
    private final EnginePort port;
    private final EventLog log;
    private final KernelTranslator translator;
    /** Commands and work other threads (the control socket, reload, metrics) hand to the loop: it alone touches the port. */
    private final LoopMailbox mailbox = new LoopMailbox();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Arena arena = Arena.ofShared();
    private final FrameReader reader;

    private Rtnetlink rtnl;
    /** The locks, the journal and the crash restorer: {@link HostHold}. */
    private final HostHold host;
    private ActionExecutor executor;
    private PollSet pollSet;
    private volatile boolean stopping;
    private volatile boolean started;
    private volatile boolean running;
    private long now;
    private long resyncs;
    private long policyFailures;
    private int eventBuffer = Rtnetlink.EVENT_BUFFER;
    private LoopNotifier notifier = LoopNotifier.OFF;

    public LinuxBackend(List<Interface> interfaces, EnginePort port, EventLog log) {
        this(interfaces, port, log, false);
    }

    /**
     * With {@code busyPoll} the loop never sleeps: poll(2) is called with a zero timeout over and
     * over, which costs one CPU at 100% but removes the wake-up from idle (tens to hundreds of
     * microseconds on a loaded VM) from every first packet: BENCHMARKS.md, "Linux backend".
     */
    public LinuxBackend(List<Interface> interfaces, EnginePort port, EventLog log, boolean busyPoll) {
        if (interfaces.isEmpty()) throw new IllegalArgumentException("no interface given (use --interface IF)");
        this.links = new LinkTable(interfaces);
        this.port = port;
        this.log = log;
        this.pacing = new LoopPacing(busyPoll);
        this.host = new HostHold(log);
        this.translator = new KernelTranslator(links, this::feed, new LinkRecovery(host, log, this::buildPollSet, this::resync), log);
        this.reader = new FrameReader(log, (link, frame, length) -> feed(new Input.FrameReceived(link, frame, 0, length)));
    }

    /**
     * What needs no host change — rtnetlink (its groups joined before any dump), the eventfd, each
     * link's index and hardware address, the crash restorer spawned in the background — so that
     * {@link #rehearse} can run while the kernel still answers. Idempotent; {@link #start()} calls it.
     */
    public void prepare() {
        if (rtnl != null) return;
        try {
            now = System.nanoTime();
            // Every interface's lock before anything else: a second uarpd is refused before it changes
            // anything on the host, or even warms up. A successor's come with the host, in start().
            host.take(links.entries().stream().map(l -> l.name).toList());
            // Join the groups before dumping, so nothing changes unseen in between.
            // Misses and neighbour changes only matter to a link that takes misses: on ANSWER links alone
            // the group is not joined, and the kernel's resolutions are not slowed by its notifications.
            rtnl = new Rtnetlink(eventBuffer, links.entries().stream().anyMatch(l -> l.mode != LinkMode.ANSWER));
            mailbox.open();
            for (KernelMessage.Link l : rtnl.dumpLinks()) {
                LinkTable.Entry mine = links.byName(l.name());
                if (mine != null) {
                    mine.index = l.link();
                    mine.hardware = l.hardware();
                }
            }
            for (LinkTable.Entry l : links.entries()) {
                if (l.index == 0) {
                    // Served when it appears: the link message that brings it takes it over (KernelTranslator).
                    LogLines.note(log, "waiting for %s: no interface of that name yet (check `ip link` in this network namespace)", l.name);
                    continue;
                }
                if (l.hardware == null || l.hardware.length != 6) {
                    throw new IllegalArgumentException(l.name + " is not an Ethernet interface: only Ethernet is supported on Linux so far");
                }
            }
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    /**
     * {@link #prepare()}s, opens the packet sockets, learns addresses and neighbours from dumps (a
     * restart resynchronises here), feeds them to the port, and runs the loop's own turns a while
     * ({@link #rehearse}). Changes nothing on the host: {@link #run()} takes each interface over as
     * its {@link LinkMode} says, as its last step before the first turn. On the thread that will
     * {@link #run()} when that one was moved into a namespace.
     */
    public void start() {
        prepare();
        try {
            now = System.nanoTime();
            executor = ActionExecutor.onHost(links, rtnl, host.open(rtnl, HostHold.describe(links.info())), log);
            List<LinkTable.Entry> present = links.entries().stream().filter(l -> l.index != 0).toList();
            // Packet sockets see the frames while the kernel still answers: the rehearsed turns serve
            // what comes meanwhile beside it (the same answers, so a requester believes them twice).
            for (LinkTable.Entry l : present) l.openSockets();
            buildPollSet();
            for (LinkTable.Entry l : present) {
                LogLines.note(log, "link %s index %d hardware %s mode %s", l.name, l.index, Rtnetlink.mac(l.hardware), l.mode.name().toLowerCase());
                feed(new Input.LinkChanged(l.index, l.name, Ethernet.INSTANCE, l.hardwareAddress(), true));
            }
            resync("start");
            started = true;
            rehearseTurns(turnsToRehearse);
        } catch (RuntimeException e) {
            cleanUp();
            throw e;
        }
    }

    /**
     * Takes each present interface over ({@link InterfaceTakeover}): the kernel stops answering there
     * and uarpd alone does, so this is the last step before the loop's first turn, and whatever the
     * daemon does before {@link #run()} (the control socket, a fleet's etcd client, the metrics
     * endpoint) happens while the kernel still answers. A successor's journal has every setting made
     * already: this writes each sysctl again with the value it holds and records nothing new.
     */
    private void takeOver() {
        List<LinkTable.Entry> present = links.entries().stream().filter(l -> l.index != 0).toList();
        for (LinkTable.Entry l : present) InterfaceTakeover.prepare(host.journal(), l.name, l.index, l.mode, log);
        // The cuts last, every link's together: from the first, the kernel answers no more there.
        for (LinkTable.Entry l : present) InterfaceTakeover.cut(host.journal(), l.name, l.index, l.mode);
    }

    /** The loop says WATCHDOG=1 and STOPPING=1 through {@code notify} ({@link LoopNotifier}; null watchdog: none). Before {@link #run()}. */
    public void notifyWith(SystemdNotify notify, java.time.Duration watchdog) {
        if (running) throw new IllegalStateException("set the notifier before run()");
        notifier = new LoopNotifier(notify, watchdog);
    }

    /**
     * Kernel buffer for notifications (default {@link Rtnetlink#EVENT_BUFFER}), set before {@link #prepare()}: when
     * it overflows the kernel drops notifications and says ENOBUFS, and the loop resynchronises. */
    public void setEventBuffer(int bytes) {
        if (rtnl != null) throw new IllegalStateException("set the event buffer before prepare() and start()");
        eventBuffer = bytes;
    }

    /** The spin window after every event, in microseconds ({@link LoopPacing}; 0 turns it off). Set before {@link #run()}. */
    public void setSpinMicros(int micros) {
        if (running) throw new IllegalStateException("set the spin window before run()");
        pacing.set(micros);
    }

    /** Returns {@code micros} if it is a spin window {@link #setSpinMicros} accepts, else says why not. */
    public static int checkSpinMicros(int micros) {
        return LoopPacing.check(micros);
    }

    private void buildPollSet() {
        if (pollSet == null) pollSet = new PollSet(arena, links.entries().size());
        pollSet.rebuild(mailbox.open(), rtnl.events().fd(), links);
    }

    /** Runs the loop's thread under SCHED_FIFO {@code priority} (0: leave it alone; {@link LoopPacing#realtime}). On that thread, before {@link #run()}. */
    public void realtime(int priority) {
        pacing.realtime(priority, log);
    }

    /**
     * The event loop: takes the interfaces over ({@link #takeOver}), runs until {@link #stop()}, then
     * puts every kernel setting back. Sleeps in poll(2) until the next descriptor or deadline, except
     * inside the spin window that follows every event ({@link #setSpinMicros}), or always with busy
     * polling. What was {@link #execute}d before runs in the first turn, after the takeover.
     */
    public void run() {
        if (!started) throw new IllegalStateException("start() first");
        running = true;
        try {
            if (!stopping) takeOver();
            host.serving();
            long start = System.nanoTime();
            pacing.opened(start);
            notifier.started(start);
            while (!stopping) turn();
        } finally {
            if (!host.isHandedOver()) notifier.stopping(log); // else the successor is the service now
            cleanUp();
            finished.countDown();
        }
    }

    /**
     * One turn of the loop: poll, then handle what is ready and what is due. A method of its own so the
     * JIT compiles it as a whole after the warm-up's turns ({@link #rehearse}); a loop body inside
     * {@link #run()} would wait for on-stack replacement, and the first real events would run interpreted.
     */
    private void turn() {
        long deadline = notifier.deadline(port.nextDeadline());
        long before = System.nanoTime();
        boolean spinning = pacing.spinning(before);
        int timeout = spinning ? 0 : PollSet.timeoutMillis(deadline, before);
        int ready = pollSet.poll(timeout);
        now = System.nanoTime();
        notifier.tick(now);
        if (ready < 0) {
            if (ready == -Errno.EINTR) return;
            Libc.check(ready, "poll(" + pollSet.count() + " descriptors)", null);
        }
        if (ready > 0) {
            if (pollSet.ready(PollSet.WAKE)) drainWakeups();
            if (pollSet.ready(PollSet.NETLINK)) drainNetlink();
            for (int s = PollSet.SOCKETS; s < pollSet.count(); s++) {
                LinkTable.Entry l = pollSet.owner(s);
                if (l.arp != null && pollSet.ready(s)) reader.drain(l, pollSet.socket(s), pollSet.failed(s)); // arp null: removed meanwhile
            }
            pacing.opened(now);
        }
        if (port.nextDeadline() - now <= 0) {
            feed(TIME_ADVANCED);
            pacing.opened(now); // a timer may have sent a request: its reply is due soon
        } else if (ready == 0 && spinning) {
            Thread.onSpinWait();
        }
    }

    private static final Input.TimeAdvanced TIME_ADVANCED = new Input.TimeAdvanced();
    /** At most (fewer once the JIT has settled): each turn is four system calls, and a loaded host must not wait for them. */
    private static final int REHEARSED_TURNS = 2_000;
    private int turnsToRehearse;

    /**
     * Warms the hot paths up with a {@link WarmUp} on the first present link, after {@link #prepare()}: {@code scratch} is a
     * throwaway port like the real one; {@code alsoAsk} published addresses to ask for, {@code rarpClient} a client to send a
     * RARP request from (or null). At most {@code rounds}, fewer once the JIT has settled ({@link JitSettled}): returns how
     * many ran. Before {@link #start()} the kernel answers meanwhile; {@link #start()} then also runs the loop's own turns a
     * while ({@link #rehearseTurns}), once its sockets exist. Says WATCHDOG=1 meanwhile ({@link #notifyWith}).
     */
    public int rehearse(EnginePort scratch, int rounds, int[] alsoAsk, HardwareAddress rarpClient) {
        if (rtnl == null) throw new IllegalStateException("prepare() first");
        LinkTable.Entry l = links.entries().stream().filter(e -> e.index != 0).findFirst().orElse(null);
        if (l == null) return 0; // nothing there yet to rehearse on
        // Before start() the translator knows no address yet: ask the kernel.
        int own = rtnl.dumpAddresses().stream().filter(a -> a.link() == l.index).mapToInt(KernelMessage.Address::address)
                .findFirst().orElse(WarmUp.UNNUMBERED);
        WarmUp warmUp = new WarmUp(l.index, l.name, l.hardwareAddress(), own, rtnl);
        notifier.started(System.nanoTime()); // systemd's watchdog runs already: a slow start must not look hung
        warmUp.run(scratch, rounds, alsoAsk, rarpClient, () -> notifier.tickedStopping(System.nanoTime(), stopping));
        turnsToRehearse = Math.min(rounds, REHEARSED_TURNS);
        return warmUp.rounds();
    }

    /**
     * The loop's own methods, so the JIT has compiled them too by the first real event: turns that poll without sleeping,
     * the readers of every socket, the wake-up of the mailbox (an empty task every few turns: the eventfd written and read)
     * and the port's feed (a tick, which only runs the timers that are due anyway), until the JIT has settled. They run on
     * the real sockets and the real port, so what is queued meanwhile is handled exactly as the loop handles it; an empty
     * queue only costs a recvfrom that says EAGAIN.
     */
    private void rehearseTurns(int rounds) {
        JitSettled jit = rounds > 0 ? new JitSettled() : null;
        for (int i = 0; i < rounds && !stopping && !jit.settled(i); i++) {
            pacing.holdOpen(System.nanoTime()); // the turn polls with a zero timeout, never sleeps
            if (i % 4 == 0) mailbox.post(NOTHING);
            turn();
            now = System.nanoTime();
            drainNetlink();
            for (LinkTable.Entry l : links.entries()) for (PacketSocket s : l.sockets()) reader.drain(l, s, false);
            feed(TIME_ADVANCED);
        }
    }

    private static final Runnable NOTHING = () -> { };

    /** Asks the loop to stop (from any thread, e.g. a signal's shutdown hook) and waits for its clean-up. */
    public void stop() {
        stopping = true;
        mailbox.wake();
        if (running) {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            cleanUp();
        }
    }

    /**
     * Takes the host over from the uarpd at the other end of {@code predecessor} ({@link HostHold}):
     * {@link #prepare()} takes no lock, and {@link #start()} receives the locks and the journal.
     */
    public void succeed(HandoverChannel predecessor) {
        if (rtnl != null) throw new IllegalStateException("succeed() before prepare()");
        host.succeed(predecessor);
    }

    /** Sends the host to a successor serving {@code itsLinks} (from any thread); this uarpd goes on serving until {@link #retire()}. */
    public void handOver(HandoverChannel successor, String itsLinks) {
        host.handOver(successor, itsLinks, HostHold.describe(links.info()));
    }

    /** The successor serves: the loop stops, leaving every host setting in place (from any thread). */
    public void retire() {
        host.handedOver();
        stopping = true;
        mailbox.wake();
    }

    /**
     * The successor {@link #handOver} sent the host to will not serve: this uarpd keeps it, and a stop
     * asked for meanwhile ({@link #requestStop}, which waited) goes on (from any thread).
     */
    public void handOverAbandoned() {
        host.handOverAbandoned();
    }

    /** A successor died after adopting the host, and its crash restorer undid it: every change is made again. */
    public void reassert() {
        execute(host::reassert);
    }

    /**
     * Asks the loop to stop (safe from a signal handler); the kernel gets its ARP and ND back first,
     * while the loop still answers. During a {@link #handOver} the stop waits until the successor
     * serves (then nothing is undone) or is abandoned.
     */
    public void requestStop() {
        Thread.ofPlatform().name("uarpd-hand-back").start(() -> {
            host.handBack(); // so no request falls between uarpd's last answer and the kernel's first
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // both answer meanwhile: the owned tables go asynchronously
            stopping = true;
            mailbox.wake();
        });
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** Hands an operator command to the engine port (from any thread). */
    public void command(OperatorCommand c) {
        mailbox.post(c);
    }

    private void drainWakeups() {
        mailbox.drain(c -> feed(new Input.Command(c)), task -> {
            now = System.nanoTime();
            try {
                task.run();
            } catch (RuntimeException e) {
                LogLines.note(log, "error: a task on the loop failed: %s", e);
            }
        });
    }

    /**
     * Runs {@code task} on the loop thread, between two inputs (from any thread). The daemon's control
     * socket, reload and metrics go through here, so only the loop ever touches the port; a task
     * that feeds the port hands it this backend as its {@link org.uarpd.engine.ActionSink}.
     */
    @Override
    public void execute(Runnable task) {
        mailbox.post(task);
    }

    /** Carries out one of the port's actions (loop thread: inside {@link #execute} tasks). */
    @Override
    public void accept(Action action) {
        executor.accept(action);
    }

    @Override
    public List<LinkInfo> linkInfo() {
        return links.info();
    }

    @Override
    public List<long[]> addresses() {
        return translator.addresses();
    }

    @Override
    public long installErrors() {
        return executor == null ? 0 : executor.installErrors();
    }

    @Override
    public long droppedFrames() {
        return executor == null ? 0 : executor.droppedFrames();
    }

    @Override
    public long resyncs() {
        return resyncs;
    }

    @Override
    public long policyFailures() {
        return policyFailures;
    }

    /** What the kernel said (up to {@link FrameReader#BUDGET} datagrams) before the turn's frames: a link up must be known first. */
    private void drainNetlink() {
        NetlinkSocket events = rtnl.events();
        for (int budget = FrameReader.BUDGET; budget > 0; budget--) {
            int n = events.receiveNow();
            if (n == -Errno.EAGAIN || n == -Errno.EINTR) return;
            if (n == -Errno.ENOBUFS) { // the kernel dropped notifications (maybe misses): the dumps say where we are
                resyncs++;
                resync("netlink overrun (ENOBUFS)");
                return;
            }
            if (n < 0) Libc.check(n, "recvfrom(NETLINK_ROUTE events)", null);
            translator.datagram(events.reader().reset(n), rtnl.ownPortId());
        }
    }

    private void resync(String why) {
        LogLines.note(log, "resynchronising from kernel dumps (%s)", why);
        translator.resynced(rtnl.dumpAddresses(), rtnl.dumpNeighbors());
        translator.resynced6(rtnl.dumpAddresses6(), rtnl.dumpNeighbors6(), rtnl.dumpRoutes6());
    }


    private void feed(Input input) {
        try {
            port.handle(now, input, executor);
        } catch (RuntimeException e) {
            // A fault in the engine must not take the host's address resolution down with it.
            policyFailures++;
            LogLines.note(log, "error: the engine port failed on %s: %s", input, e);
            if (policyFailures == 1) e.printStackTrace();
        }
    }

    /** Closes every socket and puts the host back as uarpd found it (idempotent). */
    private synchronized void cleanUp() {
        host.leave(); // first: the kernel answers again as soon as it can
        for (LinkTable.Entry l : links.entries()) l.closeSockets();
        if (rtnl != null) {
            rtnl.close();
            rtnl = null;
        }
        mailbox.close();
        host.unlock(); // last: the next uarpd may start once the host is back as it was
    }

    /** Stops the loop if it runs, else puts everything back at once (idempotent). */
    @Override
    public void close() {
        stop();
    }
}
