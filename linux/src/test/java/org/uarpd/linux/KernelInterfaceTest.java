package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.Ip4;

/**
 * The FFM layer against the real kernel, in two throwaway namespaces joined by veth:
 * A (veth-a 192.0.2.1/24) and B (veth-b 192.0.2.2/24); among them the flooded ARP socket's receive
 * ring ({@link PacketRing}) and batched sends ({@link BatchSender}). Needs root; fails saying so otherwise.
 */
@Tag("netns")
class KernelInterfaceTest {
    static NamespaceLab lab;
    static String a;
    static String b;
    static NamespaceThread inA;
    static NamespaceThread inB;
    static int linkA;
    static int ringLinkB;

    @BeforeAll
    static void build() {
        lab = new NamespaceLab(); // throws "needs root (or CAP_NET_ADMIN + CAP_NET_RAW)" when not root
        a = lab.namespace("a");
        b = lab.namespace("b");
        lab.veth(a, "veth-a", "192.0.2.1/24", b, "veth-b", "192.0.2.2/24");
        inA = new NamespaceThread(a);
        inB = new NamespaceThread(b);
        linkA = inA.call(() -> Libc.ifNameToIndex("veth-a"));
        ringLinkB = inB.call(() -> Libc.ifNameToIndex("veth-b"));
    }

    @AfterAll
    static void tearDown() {
        if (inA != null) inA.close();
        if (inB != null) inB.close();
        if (lab != null) {
            lab.close();
            assertThat(lab.leftovers()).isEmpty();
        }
    }

    @Test
    void dumpsShowTheLinkItsAddressAndNeighbours() {
        String mac = lab.mac(a, "veth-a");
        inA.call(() -> {
            try (Rtnetlink rt = new Rtnetlink()) {
                List<KernelMessage.Link> links = rt.dumpLinks();
                assertThat(links).anySatisfy(l -> {
                    assertThat(l.name()).isEqualTo("veth-a");
                    assertThat(l.link()).isEqualTo(linkA);
                    assertThat(Rtnetlink.mac(l.hardware())).isEqualTo(mac);
                    assertThat(l.hardwareType()).isEqualTo(Rtnetlink.ARPHRD_ETHER);
                    assertThat(l.up()).isTrue();
                });
                assertThat(rt.dumpAddresses()).contains(new KernelMessage.Address(true, linkA, Ip4.parse("192.0.2.1"), 24));
                assertThat(Rtnetlink.mac(Libc.hardwareAddress(rt.events().fd(), "veth-a"))).isEqualTo(mac);
            }
            return null;
        });
    }

    @Test
    void installedNeighbourShowsInIpNeighAndItsEchoCarriesOurPortId() {
        byte[] mac = {0x02, 0, 0x5e, 0x10, 0x20, 0x30};
        int target = Ip4.parse("192.0.2.77");
        inA.call(() -> {
            try (Rtnetlink rt = new Rtnetlink()) {
                rt.installNeighbor(linkA, target, mac, 6, Rtnetlink.NUD_REACHABLE);
                KernelMessage.Neighbor echo = awaitNeighbor(rt, n -> n.address() == target && n.type() == Rtnetlink.RTM_NEWNEIGH);
                assertThat(echo.sender()).isEqualTo(rt.ownPortId());
                assertThat(rt.dumpNeighbors()).anySatisfy(n -> {
                    assertThat(n.address()).isEqualTo(target);
                    assertThat(n.hardware()).isEqualTo(mac);
                });
            }
            return null;
        });
        assertThat(lab.ok(a, "ip", "-j", "neigh", "show", "192.0.2.77")).contains("\"lladdr\":\"02:00:5e:10:20:30\"");
        inA.call(() -> {
            try (Rtnetlink rt = new Rtnetlink()) {
                rt.deleteNeighbor(linkA, target);
            }
            return null;
        });
        assertThat(lab.ok(a, "ip", "-j", "neigh", "show", "192.0.2.77")).doesNotContain("02:00:5e:10:20:30");
    }

    @Test
    void refusedInstallCarriesTheKernelsExtendedAckText() {
        inA.call(() -> {
            try (Rtnetlink rt = new Rtnetlink()) {
                assertThatThrownBy(() -> rt.installNeighbor(linkA, Ip4.parse("192.0.2.78"), new byte[] {1, 2}, 2, Rtnetlink.NUD_REACHABLE))
                        .isInstanceOf(NativeCallException.class)
                        .hasMessageContaining("RTM_NEWNEIGH")
                        .hasMessageContaining("EINVAL (22")
                        .hasMessageContaining("Invalid link address");
            }
            return null;
        });
    }

    @Test
    void appSolicitMissArrivesAsGetNeighWithDestinationAndProbes() throws Exception {
        HostJournal settings = new HostJournal(null, null, new KernelSettings(), EventLog.SILENT);
        inA.call(() -> {
            settings.setSysctl(KernelSettings.neigh("veth-a", "app_solicit"), "2");
            settings.setSysctl(KernelSettings.neigh("veth-a", "ucast_solicit"), "0");
            settings.setSysctl(KernelSettings.neigh("veth-a", "mcast_solicit"), "0");
            return null;
        });
        try {
            inA.call(() -> {
                try (Rtnetlink rt = new Rtnetlink()) {
                    Process ping = new ProcessBuilder("ping", "-c", "1", "-W", "1", "192.0.2.99")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    try {
                        KernelMessage.Neighbor miss = awaitNeighbor(rt, KernelMessage.Neighbor::isMiss);
                        assertThat(miss.address()).isEqualTo(Ip4.parse("192.0.2.99"));
                        assertThat(miss.link()).isEqualTo(linkA);
                        assertThat(miss.state()).isEqualTo(Rtnetlink.NUD_INCOMPLETE);
                        // The kernel counts a probe after sending it, from ucast_solicit (0 here): the first miss says 0.
                        assertThat(miss.probes()).isZero();
                        assertThat(miss.sender()).isZero();
                    } finally {
                        ping.waitFor(5, TimeUnit.SECONDS);
                        ping.destroyForcibly();
                    }
                }
                return null;
            });
        } finally {
            List<String> failed = inA.call(settings::undoAll);
            assertThat(failed).isEmpty();
        }
        assertThat(lab.ok(a, "sysctl", "-n", "net.ipv4.neigh.veth-a.app_solicit").strip()).isEqualTo("0");
        assertThat(lab.ok(a, "sysctl", "-n", "net.ipv4.neigh.veth-a.mcast_solicit").strip()).isEqualTo("3");
    }

    @Test
    void packetSocketsCarryAFrameBetweenNamespaces() {
        int linkB = inB.call(() -> Libc.ifNameToIndex("veth-b"));
        try (PacketSocket rx = inB.call(() -> new PacketSocket(linkB, "veth-b", PacketSocket.ETH_P_RARP));
             PacketSocket tx = inA.call(() -> new PacketSocket(linkA, "veth-a", PacketSocket.ETH_P_RARP))) {
            byte[] frame = new byte[60];
            for (int i = 0; i < 6; i++) frame[i] = (byte) 0xff;
            frame[6] = 0x02;
            frame[12] = (byte) 0x80;
            frame[13] = 0x35;
            frame[20] = 0x42;
            tx.send(frame, 0, frame.length);
            byte[] into = new byte[2048];
            int[] n = {-Errno.EAGAIN};
            Await.until("the frame on the receiving socket", 2, () -> (n[0] = rx.receive(into)) != -Errno.EAGAIN);
            assertThat(n[0]).isEqualTo(60);
            assertThat(into[20]).isEqualTo((byte) 0x42);
            assertThat(into[13]).isEqualTo((byte) 0x35);
        }
    }

    @Test
    void packetSocketOnAMissingInterfaceSaysWhichCallAndWhy() {
        assertThatThrownBy(() -> inA.call(() -> new PacketSocket(999_999, "nosuch0", PacketSocket.ETH_P_ARP)))
                .isInstanceOf(NativeCallException.class)
                .hasMessageContaining("bind(AF_PACKET ETH_P_ARP, nosuch0 ifindex 999999)")
                .hasMessageContaining("ENODEV (19");
        assertThatThrownBy(() -> inA.call(() -> Libc.ifNameToIndex("nosuch0")))
                .hasMessageContaining("no interface called nosuch0");
    }

    @Test
    void ownedNftTableDropsArpInputUntilItsSocketCloses() {
        lab.ok(b, "ip", "neigh", "flush", "dev", "veth-b");
        NftArpDrop drop = inA.call(() -> {
            NftArpDrop d = new NftArpDrop();
            d.drop(linkA);
            return d;
        });
        try {
            String ruleset = lab.ok(a, "nft", "list", "ruleset");
            assertThat(ruleset).contains("table arp uarpd").contains("flags owner").contains("iif \"veth-a\" drop");
            // The kernel in A neither answers nor learns: B's arping gets nothing.
            assertThat(lab.run(b, "arping", "-c", "2", "-w", "2", "-I", "veth-b", "192.0.2.1").ok()).isFalse();
        } finally {
            inA.call(() -> {
                drop.close();
                return null;
            });
        }
        assertThat(lab.ok(a, "nft", "list", "ruleset")).doesNotContain("uarpd");
        assertThat(lab.run(b, "arping", "-c", "1", "-w", "2", "-I", "veth-b", "192.0.2.1").ok()).isTrue();
    }

    @Test
    void crashRestorerPutsSysctlsBackWhenItsOwnerDiesWithoutCleaningUp() throws Exception {
        // The owner is a bash that holds the pipe to the real restorer program and is SIGKILLed, as
        // uarpd would be: the pipe closes without "clean".
        String key = "/proc/sys/net/ipv4/conf/veth-a/arp_ignore";
        String before = lab.ok(a, "cat", key).strip();
        String owner = "exec 3> >(setsid sh -c \"$RESTORER\"); echo \"record " + key + " " + before + "\" >&3; echo 8 > " + key + "; exec sleep 30";
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", a, "bash", "-c", owner)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTORER", CrashRestorer.script());
        Process p = pb.start();
        awaitValue(key, "8");
        p.destroyForcibly(); // SIGKILL
        p.waitFor(5, TimeUnit.SECONDS);
        awaitValue(key, before);
        // And through the Java class, disarmed by close(): nothing is touched.
        inA.call(() -> {
            HostJournal journal = new HostJournal(null, new CrashRestorer(), new KernelSettings(), EventLog.SILENT);
            journal.setSysctl(KernelSettings.conf("veth-a", "arp_ignore"), "8");
            assertThat(journal.undoAll()).isEmpty(); // puts the value back and disarms the restorer
            return null;
        });
        assertThat(lab.ok(a, "cat", key).strip()).isEqualTo(before);
    }

    @Test
    void crashRestorerRunsTheUndoCommandsItStillHoldsWhenItsOwnerDies() throws Exception {
        // Two changes armed, one of them reversed by the owner itself (forget): after the SIGKILL only
        // the other is undone.
        String owner = "exec 3> >(setsid sh -c \"$RESTORER\"); "
                + "echo 'undo ip addr add 192.0.2.77/32 dev veth-a' >&3; "
                + "echo 'undo ip addr add 192.0.2.78/32 dev veth-a' >&3; "
                + "echo 'forget ip addr add 192.0.2.78/32 dev veth-a' >&3; echo ready; exec sleep 30";
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", a, "bash", "-c", owner)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("RESTORER", CrashRestorer.script());
        Process p = pb.start();
        try {
            assertThat(new String(p.getInputStream().readNBytes(6), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ready\n");
            // The lines were written before "ready", so a restorer blocked reading an empty pipe has read
            // them all (forget included) and holds them: only then is "not undone yet" worth checking.
            Await.until("the restorer reads its lines and waits for more", 10,
                    () -> p.descendants().anyMatch(KernelInterfaceTest::restorerWaiting));
            assertThat(lab.ok(a, "ip", "-o", "addr", "show", "dev", "veth-a")).doesNotContain("192.0.2.77");
            p.destroyForcibly(); // SIGKILL
            p.waitFor(5, TimeUnit.SECONDS);
            Await.until("the armed undo to run", 5, () -> lab.ok(a, "ip", "-o", "addr", "show", "dev", "veth-a").contains("192.0.2.77/32"));
            String addrs = lab.ok(a, "ip", "-o", "addr", "show", "dev", "veth-a");
            assertThat(addrs).as("the armed undo ran").contains("192.0.2.77/32");
            assertThat(addrs).as("the forgotten undo did not").doesNotContain("192.0.2.78");
        } finally {
            lab.run(a, "ip", "addr", "del", "192.0.2.77/32", "dev", "veth-a");
            lab.run(a, "ip", "addr", "del", "192.0.2.78/32", "dev", "veth-a");
        }
        // The Java side refuses words the shell would interpret.
        try (CrashRestorer r = new CrashRestorer()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.undo("ip", "addr", "add", "$(reboot)"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$(reboot)");
        }
    }

    private static void awaitValue(String key, String value) {
        Await.until(key + " to read " + value, 6, () -> lab.ok(a, "cat", key).strip().equals(value));
    }

    static KernelMessage.Neighbor awaitNeighbor(Rtnetlink rt, java.util.function.Predicate<KernelMessage.Neighbor> wanted) {
        NetlinkSocket events = rt.events();
        KernelMessage.Neighbor[] found = {null};
        Await.until("a matching neighbour message", 5, () -> {
            int n = events.receiveNow();
            if (n == -Errno.EAGAIN) return false;
            assertThat(n).as("netlink receive").isPositive();
            NetlinkReader r = events.reader().reset(n);
            while (r.next()) {
                if (Rtnetlink.decode(r) instanceof KernelMessage.Neighbor nb && wanted.test(nb)) {
                    found[0] = nb;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Whether {@code h} is the crash restorer's shell, idle in read(2) on its pipe (per /proc/PID/wchan). */
    private static boolean restorerWaiting(ProcessHandle h) {
        try {
            String cmdline = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + h.pid() + "/cmdline"));
            String wchan = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + h.pid() + "/wchan"));
            return cmdline.contains("restore=''") && wchan.contains("pipe_read") && h.children().findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false; // it exited between listing and reading
        }
    }

    // -- the flooded ARP socket's receive ring (PacketRing) and batched sends (BatchSender) --------

    /** A broadcast ARP request frame (42 bytes) whose sender protocol address ends in {@code tag} (two bytes). */
    private static byte[] request(int tag) {
        byte[] f = new byte[42];
        for (int i = 0; i < 6; i++) f[i] = (byte) 0xff;
        f[6] = 0x02;
        f[11] = 0x01;
        f[12] = 0x08;
        f[13] = 0x06;
        f[15] = 0x01; // hardware type Ethernet
        f[16] = 0x08; // protocol IPv4
        f[18] = 6;
        f[19] = 4;
        f[21] = 1; // request
        f[28] = (byte) 198;
        f[29] = 51;
        f[30] = (byte) (tag >> 8);
        f[31] = (byte) tag;
        return f;
    }

    private static List<Integer> receiveAll(PacketSocket rx, int expected) {
        List<Integer> tags = new ArrayList<>();
        byte[] into = new byte[2048];
        Await.until(expected + " frames from the ring", 5, () -> {
            int n;
            while ((n = rx.receive(into)) != -Errno.EAGAIN) {
                assertThat(n).as("a frame's length or 0, never an error").isGreaterThanOrEqualTo(0);
                if (n == 0) continue;
                assertThat(into[13]).as("only ARP reaches an ARP socket").isEqualTo((byte) 0x06);
                // The kernels of A and B may speak ARP meanwhile (other tests' neighbours): count ours only.
                if (into[28] != (byte) 198 || into[29] != 51) continue;
                assertThat(n).isEqualTo(42);
                tags.add((into[30] & 0xFF) << 8 | into[31] & 0xFF);
            }
            return tags.size() >= expected;
        });
        return tags;
    }

    @Test
    void theFloodedSocketReadsEveryFrameInOrderFromItsRingMoreThanOnceAround() {
        // More frames than the ring has slots, read as they come: the ring wraps and hands every slot back.
        int frames = PacketRing.BLOCK / PacketRing.SLOT * PacketRing.BLOCKS + 1_000;
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(ringLinkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> new PacketSocket(linkA, "veth-a", PacketSocket.ETH_P_ARP))) {
            List<Integer> tags = new ArrayList<>();
            for (int i = 0; i < frames; i += 500) {
                int batch = Math.min(500, frames - i);
                for (int j = 0; j < batch; j++) {
                    byte[] f = request((i + j) & 0xFFFF);
                    tx.send(f, 0, f.length);
                }
                tags.addAll(receiveAll(rx, batch));
            }
            assertThat(tags).hasSize(frames);
            for (int i = 0; i < frames; i++) assertThat(tags.get(i)).as("frame %d", i).isEqualTo(i & 0xFFFF);
        }
    }

    @Test
    void aQuietRingSaysEagainAndAFrameLaterIsSeenAtOnce() {
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(ringLinkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> new PacketSocket(linkA, "veth-a", PacketSocket.ETH_P_ARP))) {
            assertThat(rx.receive(new byte[64])).isEqualTo(-Errno.EAGAIN);
            byte[] f = request(7);
            tx.send(f, 0, f.length);
            assertThat(receiveAll(rx, 1)).containsExactly(7);
        }
    }

    @Test
    void heldSendsLeaveTogetherAtTheFlushAndNoneIsLost() {
        int frames = BatchSender.CAPACITY * 2 + 5; // two full batches sent while holding, and the rest at the flush
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(ringLinkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> PacketSocket.arp(linkA, "veth-a", false))) {
            long lost = inA.call(() -> {
                tx.holdSends();
                for (int i = 0; i < frames; i++) tx.send(ByteBuffer.wrap(request(i)));
                return tx.flushSends();
            });
            assertThat(lost).isZero();
            assertThat(receiveAll(rx, frames)).hasSize(frames).isSortedAccordingTo(Integer::compare);
        }
    }

    @Test
    void whileHoldingTheFirstReplyLeavesAtOnceAndTheOthersAsSoonAsTheRingHasNoMoreFrames() {
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(ringLinkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> PacketSocket.arp(linkA, "veth-a", false))) {
            inA.call(() -> {
                tx.holdSends();
                tx.send(ByteBuffer.wrap(request(1)));
                tx.send(ByteBuffer.wrap(request(2)));
                return null;
            });
            // The first does not wait for the batch; the second does (a send on veth is delivered before sendmmsg returns).
            assertThat(receiveAll(rx, 1)).containsExactly(1);
            inA.call(() -> {
                byte[] into = new byte[2048];
                while (tx.receive(into) != -Errno.EAGAIN) {
                    // whatever the ring holds (the kernels' own ARP, if any; never our sends): read until it is empty
                }
                return null;
            });
            // No flushSends: the empty ring sent what was held.
            assertThat(receiveAll(rx, 1)).containsExactly(2);
            assertThat(inA.call(tx::flushSends)).isZero();
        }
    }

    @Test
    void withoutHoldingASendLeavesAtOnce() {
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(ringLinkB, "veth-b", false));
             PacketSocket tx = inA.call(() -> PacketSocket.arp(linkA, "veth-a", false))) {
            inA.call(() -> {
                tx.send(ByteBuffer.wrap(request(9)));
                return null;
            });
            assertThat(receiveAll(rx, 1)).containsExactly(9);
            assertThat(tx.flushSends()).isZero();
        }
    }

    @Test
    void aRingBoundToAnInterfaceThatIsDownHandsItsPendingErrorOverOnce() {
        lab.ok(b, "ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"); // created down
        int d0 = inB.call(() -> Libc.ifNameToIndex("d0"));
        try (PacketSocket rx = inB.call(() -> PacketSocket.arp(d0, "d0", false))) {
            // Left pending, the error would make every poll(2) of the loop return at once.
            assertThat(rx.takeError()).isEqualTo(Errno.ENETDOWN);
            assertThat(rx.takeError()).isZero();
        } finally {
            lab.ok(b, "ip", "link", "del", "d0");
        }
    }
}
