package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.wire.Ip4;

/**
 * The FFM layer against the real kernel, in two throwaway namespaces joined by veth:
 * A (veth-a 192.0.2.1/24) and B (veth-b 192.0.2.2/24). Needs root; fails saying so otherwise.
 */
@Tag("netns")
class KernelInterfaceTest {
    static NamespaceLab lab;
    static String a;
    static String b;
    static NamespaceThread inA;
    static NamespaceThread inB;
    static int linkA;

    @BeforeAll
    static void build() {
        lab = new NamespaceLab(); // throws "needs root (or CAP_NET_ADMIN + CAP_NET_RAW)" when not root
        a = lab.namespace("a");
        b = lab.namespace("b");
        lab.veth(a, "veth-a", "192.0.2.1/24", b, "veth-b", "192.0.2.2/24");
        inA = new NamespaceThread(a);
        inB = new NamespaceThread(b);
        linkA = inA.call(() -> Libc.ifNameToIndex("veth-a"));
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
}
