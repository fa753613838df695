package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Action;
import org.uarpd.engine.EnginePort;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.Ethernet;

/**
 * The event loop against the real kernel, driven by a scripted stand-in for the engine (the real
 * engine is exercised end to end in the daemon module): misses reach the policy, its transmits reach
 * the wire, its installs release the kernel's held packets, and every kernel setting is put back.
 */
@Tag("netns")
class LinuxBackendTest {
    static NamespaceLab lab;
    static String a;
    static String b;

    @BeforeAll
    static void build() {
        lab = new NamespaceLab();
        a = lab.namespace("a");
        b = lab.namespace("b");
        lab.veth(a, "veth-a", "192.0.2.1/24", b, "veth-b", "192.0.2.2/24");
        // The kernels' duplicate address detection of their link-local addresses is IPv6 neighbour
        // discovery on the wire: over before any test counts what wakes the loop.
        for (String ns : List.of(a, b)) {
            Await.until("IPv6 DAD over in " + ns, 10, () -> !lab.ok(ns, "ip", "-6", "addr", "show").contains("tentative"));
        }
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).isEmpty();
        }
    }

    /** Answers for the host, resolves misses with one broadcast, installs what it hears. Test double. */
    static final class ScriptedResolver implements EnginePort {
        final Map<Integer, HardwareAddress> ownHardware = new HashMap<>();
        final Set<Integer> ownAddresses = new HashSet<>();
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void handle(long now, Input input, ActionSink out) {
            switch (input) {
                case Input.LinkChanged l -> ownHardware.put(l.link(), l.address());
                case Input.AddressAdded ad -> ownAddresses.add(ad.address());
                case Input.KernelMiss m -> {
                    seen.add("miss " + ProtocolAddress.ip4(m.address()));
                    int source = ownAddresses.iterator().next();
                    send(out, m.link(), Opcode.REQUEST, Ethernet.INSTANCE.broadcast(), source, HardwareAddress.of(new byte[6]), m.address());
                }
                case Input.FrameReceived f -> {
                    try {
                        ArpPacket p = ArpCodec.decode(f.frame(), f.offset() + Ethernet.HEADER, f.length() - Ethernet.HEADER);
                        int sender = p.senderProtocol().toIp4();
                        if (p.opcode().equals(Opcode.REPLY)) {
                            seen.add("reply " + p.senderProtocol());
                            out.accept(new Action.InstallNeighbor(f.link(), sender, p.senderHardware(), NeighborState.REACHABLE));
                        } else if (p.opcode().equals(Opcode.REQUEST) && ownAddresses.contains(p.targetProtocol().toIp4())) {
                            seen.add("request " + p.targetProtocol());
                            send(out, f.link(), Opcode.REPLY, p.senderHardware(), p.targetProtocol().toIp4(), p.senderHardware(), sender);
                            out.accept(new Action.InstallNeighbor(f.link(), sender, p.senderHardware(), NeighborState.STALE));
                        }
                    } catch (Exception e) {
                        seen.add("bad frame " + e.getMessage());
                    }
                }
                default -> { }
            }
        }

        private void send(ActionSink out, int link, Opcode op, HardwareAddress to, int from, HardwareAddress targetHw, int target) {
            HardwareAddress me = ownHardware.get(link);
            ArpPacket p = new ArpPacket(HardwareType.ETHERNET, EtherType.IPV4, op, me, ProtocolAddress.ip4(from), targetHw,
                    ProtocolAddress.ip4(target));
            out.accept(new Action.Transmit(link, ByteBuffer.wrap(Ethernet.INSTANCE.encode(to, me, EtherType.ARP, ArpCodec.encode(p)))));
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    private static final List<String> KNOBS = List.of(
            "net.ipv4.neigh.veth-a.app_solicit", "net.ipv4.neigh.veth-a.ucast_solicit", "net.ipv4.neigh.veth-a.mcast_solicit",
            "net.ipv4.neigh.veth-a.mcast_resolicit", "net.ipv4.conf.veth-a.arp_ignore", "net.ipv4.conf.veth-a.arp_accept",
            "net.ipv4.conf.veth-a.drop_gratuitous_arp", "net.ipv4.conf.veth-a.arp_notify", "net.ipv4.conf.veth-a.proxy_arp");

    private static Map<String, String> knobs() {
        Map<String, String> values = new HashMap<>();
        for (String k : KNOBS) values.put(k, lab.ok(a, "sysctl", "-n", k).strip());
        return values;
    }

    @Test
    void authoritativeLoopResolvesBothWaysAndPutsEverythingBack() throws Exception {
        Map<String, String> before = knobs();
        ScriptedResolver policy = new ScriptedResolver();
        RecordingLog events = new RecordingLog();
        List<String> log = events.lines;
        try (NamespaceThread inA = new NamespaceThread(a)) {
            LinuxBackend backend = inA.call(() -> {
                LinuxBackend be = new LinuxBackend(List.of(new LinuxBackend.Interface("veth-a", LinkMode.AUTHORITATIVE)), policy, events);
                be.start();
                return be;
            });
            assertThat(knobs()).as("start() warms up and opens sockets, and changes nothing on the host").isEqualTo(before);
            assertThat(lab.ok(a, "nft", "list", "ruleset")).doesNotContain("uarpd");
            // The loop itself runs on a thread of its own in A (the NamespaceThread's executor is busy with it).
            Future<?> loop = inA.submit(backend::run);
            try {
                // start() changed nothing; run() takes the link over before its first turn.
                Await.until("the loop took veth-a over", 10, () -> "8".equals(knobs().get("net.ipv4.conf.veth-a.arp_ignore")));
                Map<String, String> during = knobs();
                assertThat(during).containsEntry("net.ipv4.conf.veth-a.arp_ignore", "8")
                        .containsEntry("net.ipv4.neigh.veth-a.mcast_solicit", "0")
                        .containsEntry("net.ipv4.neigh.veth-a.app_solicit", Integer.toString(LinuxBackend.APP_SOLICIT));
                assertThat(lab.ok(a, "nft", "list", "ruleset")).contains("table arp uarpd");

                assertThat(lab.run(a, "ping", "-c", "1", "-W", "3", "192.0.2.2").ok()).as("A pings B through the loop").isTrue();
                assertThat(lab.ok(a, "ip", "-j", "neigh", "show", "192.0.2.2")).contains(lab.mac(b, "veth-b"));
                lab.ok(b, "ip", "neigh", "flush", "dev", "veth-b");
                assertThat(lab.run(b, "ping", "-c", "1", "-W", "3", "192.0.2.1").ok()).as("B pings A: A's loop answers").isTrue();
                assertThat(policy.seen).contains("miss 192.0.2.2", "reply 192.0.2.2", "request 192.0.2.1");
                assertThat(log).anyMatch(l -> l.startsWith("kernel miss 192.0.2.2 on veth-a"))
                        .anyMatch(l -> l.startsWith("installed 192.0.2.2 at " + lab.mac(b, "veth-b")));
            } finally {
                backend.stop();
                loop.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(knobs()).isEqualTo(before);
        assertThat(lab.ok(a, "nft", "list", "ruleset")).doesNotContain("uarpd");
        assertThat(log).contains("restored every kernel setting uarpd changed");
    }

    @Test
    void warmUpDrivesAScratchPortThroughTheRealPathsAndLeavesNothingOnTheWireOrInTheKernel() throws Exception {
        ScriptedResolver real = new ScriptedResolver();
        ScriptedResolver scratch = new ScriptedResolver();
        String macA = lab.mac(a, "veth-a");
        String macB = lab.mac(b, "veth-b");
        try (NamespaceThread inA = new NamespaceThread(a); NamespaceThread inB = new NamespaceThread(b)) {
            int linkB = inB.call(() -> Libc.ifNameToIndex("veth-b"));
            try (PacketSocket tap = inB.call(() -> new PacketSocket(linkB, "veth-b", PacketSocket.ETH_P_ARP))) {
                LinuxBackend backend = inA.call(() -> {
                    LinuxBackend be = new LinuxBackend(List.of(new LinuxBackend.Interface("veth-a", LinkMode.AUTHORITATIVE)), real, EventLog.SILENT);
                    be.start();
                    be.rehearse(scratch, 50, new int[0], null);
                    return be;
                });
                try {
                    assertThat(scratch.seen).as("synthetic misses went through the translator, frames to the port")
                            .contains("miss 192.0.2.2", "reply 192.0.2.2", "request 192.0.2.1");
                    assertThat(scratch.seen).filteredOn(l -> l.startsWith("miss ")).hasSize(50);
                    assertThat(real.seen).as("the real port saw none of it").isEmpty();
                    assertThat(lab.ok(a, "ip", "neigh", "show", "dev", "veth-a")).as("nothing installed")
                            .doesNotContain(WarmUp.PEER_HARDWARE.toString());
                    byte[] frame = new byte[2048];
                    int n;
                    while ((n = tap.receive(frame)) > 0 || n == 0) {
                        String source = HardwareAddress.of(java.util.Arrays.copyOfRange(frame, 6, 12)).toString();
                        String destination = HardwareAddress.of(java.util.Arrays.copyOfRange(frame, 0, 6)).toString();
                        // start() leaves A's kernel its ARP (run() takes the link over): its unicast to B may pass.
                        if (destination.equals(macB)) continue;
                        assertThat(source).as("an ARP frame from A reached B during the warm-up: "
                                + java.util.HexFormat.of().formatHex(frame, 0, Math.max(0, n))).isNotEqualTo(macA);
                    }
                    assertThat(n).as("B's tap drained").isEqualTo(-Errno.EAGAIN);
                } finally {
                    inA.call(() -> {
                        backend.stop();
                        return null;
                    });
                }
            }
        }
    }

    @Test
    void notificationOverrunTriggersAResyncThatLosesNothing() throws Exception {
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Set<Integer> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
        EnginePort stalling = new EnginePort() {
            @Override
            public void handle(long now, Input input, ActionSink out) {
                switch (input) {
                    // Stall the loop on the operator command, so notifications pile up unread.
                    case Input.Command c -> {
                        blocked.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    case Input.KernelNeighborChanged k -> {
                        if (k.hardware() != null && (k.address() >>> 8) == (org.uarpd.wire.Ip4.parse("198.51.100.0") >>> 8)) {
                            known.add(k.address());
                        }
                    }
                    default -> { }
                }
            }

            @Override
            public long nextDeadline() {
                return Long.MAX_VALUE;
            }
        };
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            batch.append("neigh replace 198.51.100.").append(i + 1).append(" lladdr 02:00:5e:00:54:").append(String.format("%02x", i))
                    .append(" dev veth-a nud permanent\n");
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("uarpd-neigh", ".batch");
        java.nio.file.Files.writeString(file, batch);
        try (NamespaceThread inA = new NamespaceThread(a)) {
            LinuxBackend backend = inA.call(() -> {
                LinuxBackend be = new LinuxBackend(List.of(new LinuxBackend.Interface("veth-a", LinkMode.ASSIST)), stalling, EventLog.SILENT);
                be.setEventBuffer(4096); // tiny: a few dozen notifications overflow it
                be.start();
                return be;
            });
            Future<?> loop = inA.submit(backend::run);
            try {
                backend.command(new org.uarpd.engine.OperatorCommand.Flush(0));
                assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
                lab.ok(a, "ip", "-batch", file.toString());
                release.countDown();
                Await.until("every binding reached the port, through the resync's dump", 10, () -> known.size() == 200);
                assertThat(backend.resyncs()).as("ENOBUFS seen and answered by a resync").isPositive();
            } finally {
                release.countDown();
                backend.stop();
                loop.get(10, TimeUnit.SECONDS);
                java.nio.file.Files.deleteIfExists(file);
                lab.run(a, "ip", "neigh", "flush", "dev", "veth-a", "nud", "permanent");
            }
        }
    }

    /**
     * The spin window: after an event the loop polls without sleeping for the window, then sleeps
     * again. Counted by how often the loop asks the policy for its deadline (once per poll), and by
     * the loop thread's CPU time over an idle second (ThreadMXBean: CPU time, not a wall-clock bound).
     */
    @Test
    void spinWindowPollsHotAfterAnEventAndSleepsWhenIdle() throws Exception {
        java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong commands = new java.util.concurrent.atomic.AtomicLong();
        EnginePort counting = new EnginePort() {
            @Override
            public void handle(long now, Input input, ActionSink out) {
                if (input instanceof Input.Command) commands.incrementAndGet();
            }

            @Override
            public long nextDeadline() {
                polls.incrementAndGet();
                return Long.MAX_VALUE;
            }
        };
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        try (NamespaceThread inA = new NamespaceThread(a)) {
            LinuxBackend backend = inA.call(() -> {
                LinuxBackend be = new LinuxBackend(List.of(new LinuxBackend.Interface("veth-a", LinkMode.ASSIST)), counting, EventLog.SILENT);
                be.setSpinMicros(LinuxBackend.MAX_SPIN_MICROS); // 100 ms: long enough to count polls in
                be.start();
                return be;
            });
            Future<?> loop = inA.submit(backend::run);
            try {
                java.util.concurrent.CompletableFuture<Long> loopThread = new java.util.concurrent.CompletableFuture<>();
                backend.execute(() -> loopThread.complete(Thread.currentThread().threadId()));
                long id = loopThread.get(5, TimeUnit.SECONDS);

                long idlePolls = Await.quiet("the spin window opened by that task closes", 5, 200, polls::get);
                long idleCpu = cpu.getThreadCpuTime(id);
                Thread.sleep(1000); // the quantity measured: one idle second, not a wait for an event
                long idleCpuNanos = cpu.getThreadCpuTime(id) - idleCpu;
                assertThat(polls.get() - idlePolls).as("polls over an idle second: the loop sleeps").isLessThanOrEqualTo(2);
                assertThat(idleCpuNanos).as("loop thread CPU time over an idle second").isLessThan(TimeUnit.MILLISECONDS.toNanos(20));

                long beforeEvent = polls.get();
                backend.command(new org.uarpd.engine.OperatorCommand.Flush(0));
                Await.until("the command reaches the port", 5, () -> commands.get() == 1);
                Await.until("more than 50 polls in the spin window after one event", 5, () -> polls.get() - beforeEvent > 50);
                Await.quiet("after the window the loop sleeps again", 5, 200, polls::get);
                assertThat(commands.get()).as("one command, handled once").isEqualTo(1);
            } finally {
                backend.stop();
                loop.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void spinWindowOutsideItsRangeIsRefusedWithTheFlagsName() {
        assertThat(LinuxBackend.checkSpinMicros(0)).isZero();
        assertThat(LinuxBackend.checkSpinMicros(LinuxBackend.MAX_SPIN_MICROS)).isEqualTo(LinuxBackend.MAX_SPIN_MICROS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinuxBackend.checkSpinMicros(-1))
                .hasMessageContaining("--spin-us -1").hasMessageContaining("--busy-poll");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LinuxBackend.checkSpinMicros(LinuxBackend.MAX_SPIN_MICROS + 1))
                .hasMessageContaining("outside 0..100000");
    }

    @Test
    void aMissDroppedByAnOverrunIsReplayedByTheResync() throws Exception {
        // The kernel asks the application once (app_solicit 1) and would ask again only after
        // retrans_time_ms = 10 s: a miss seen within a few seconds of the overrun can only come from the
        // resync's neighbour dump (its INCOMPLETE entry replayed as a miss).
        java.util.Map<String, String> knobs = new java.util.LinkedHashMap<>();
        knobs.put("net.ipv4.neigh.veth-a.app_solicit", "1");
        knobs.put("net.ipv4.neigh.veth-a.ucast_solicit", "0");
        knobs.put("net.ipv4.neigh.veth-a.mcast_solicit", "0");
        knobs.put("net.ipv4.neigh.veth-a.retrans_time_ms", "10000");
        java.util.Map<String, String> old = new java.util.LinkedHashMap<>();
        for (String k : knobs.keySet()) old.put(k, lab.ok(a, "sysctl", "-n", k).strip());
        java.util.concurrent.CountDownLatch blocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Set<Integer> missed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        EnginePort stalling = new EnginePort() {
            @Override
            public void handle(long now, Input input, ActionSink out) {
                switch (input) {
                    case Input.Command c -> {
                        blocked.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    case Input.KernelMiss m -> missed.add(m.address());
                    default -> { }
                }
            }

            @Override
            public long nextDeadline() {
                return Long.MAX_VALUE;
            }
        };
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            batch.append("neigh replace 198.51.100.").append(i + 1).append(" lladdr 02:00:5e:00:55:").append(String.format("%02x", i))
                    .append(" dev veth-a nud permanent\n");
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("uarpd-r4-neigh", ".batch");
        java.nio.file.Files.writeString(file, batch);
        int target = org.uarpd.wire.Ip4.parse("192.0.2.77");
        try (NamespaceThread inA = new NamespaceThread(a)) {
            for (var e : knobs.entrySet()) lab.ok(a, "sysctl", "-qw", e.getKey() + "=" + e.getValue());
            LinuxBackend backend = inA.call(() -> {
                LinuxBackend be = new LinuxBackend(List.of(new LinuxBackend.Interface("veth-a", LinkMode.ASSIST)), stalling, EventLog.SILENT);
                be.setEventBuffer(4096);
                be.start();
                return be;
            });
            Future<?> loop = inA.submit(backend::run);
            Process ping = null;
            try {
                backend.command(new org.uarpd.engine.OperatorCommand.Flush(0));
                assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
                lab.ok(a, "ip", "-batch", file.toString()); // fills the unread socket: ENOBUFS
                ping = lab.start(a, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.DISCARD, "ping", "-c", "1", "-W", "8", "192.0.2.77");
                // The kernel counts a probe after it has sent it (neigh_probe): with no unicast or
                // broadcast probes allowed, "probes 1" means the one miss was multicast — and dropped,
                // the buffer being full.
                Await.until("the kernel multicast its one miss for 192.0.2.77", 5,
                        () -> lab.ok(a, "ip", "-s", "neigh", "show", "192.0.2.77").matches("(?s).*probes [1-9].*INCOMPLETE.*"));
                release.countDown();
                // 3 s: well inside the 10 s retrans_time after which the kernel would ask again itself.
                Await.until("the dropped miss reached the port through the resync", 3, () -> missed.contains(target));
                assertThat(backend.resyncs()).as("ENOBUFS seen and answered by a resync").isPositive();
            } finally {
                release.countDown();
                if (ping != null) ping.destroyForcibly();
                backend.stop();
                loop.get(10, TimeUnit.SECONDS);
                java.nio.file.Files.deleteIfExists(file);
                for (var e : old.entrySet()) lab.ok(a, "sysctl", "-qw", e.getKey() + "=" + e.getValue());
                lab.run(a, "ip", "neigh", "flush", "dev", "veth-a");
                lab.run(a, "ip", "neigh", "flush", "dev", "veth-a", "nud", "permanent");
            }
        }
    }

    @Test
    void pollTimeoutRoundsUpAndMeansForeverWithoutDeadline() {
        assertThat(PollSet.timeoutMillis(Long.MAX_VALUE, 5)).isEqualTo(-1);
        assertThat(PollSet.timeoutMillis(100, 200)).isZero();
        assertThat(PollSet.timeoutMillis(1_000_001, 0)).isEqualTo(2);
        assertThat(PollSet.timeoutMillis(1_000_000, 0)).isEqualTo(1);
    }
}
