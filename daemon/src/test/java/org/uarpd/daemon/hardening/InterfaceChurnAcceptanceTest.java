package org.uarpd.daemon.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.UarpdProcess;
import org.uarpd.linux.NamespaceLab;

/**
 * No rule or setting of uarpd's outlives its interface or applies to another one: recreation, index
 * reuse, rename, MAC change, link flaps and address changes, and an interface that does not exist yet.
 * Each test gets fresh namespaces, so interface indexes start from the same place.
 */
@Tag("netns")
@Tag("hardening")
class InterfaceChurnAcceptanceTest {
    /**
     * Recreate cycles: each took about 200 ms on a loaded 2-core box (six ip commands through
     * {@code ip netns exec}, plus waiting for uarpd to see the removal and the return; 300 cycles took
     * 63 s), so 250 keeps the test under 60 s while a per-cycle leak (one rule, one socket, one sysctl
     * record per cycle) still shows 250-fold.
     */
    static final int CYCLES = 250;
    NamespaceLab lab;
    String h;
    String p;

    @BeforeEach
    void build() {
        HostState.requireTools("nft", "nftables", "arping", "iputils-arping");
        lab = new NamespaceLab("uhi");
        h = lab.namespace("h");
        p = lab.namespace("p");
    }

    @AfterEach
    void tearDown() throws java.io.IOException {
        HostState.tearDown(lab, null);
    }

    private void recreate() {
        lab.run(h, "ip", "link", "del", "u0"); // takes p0 with it
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
    }

    /** What one served u0 leaves on the host: its sysctls, uarpd's rules (by interface) and packet sockets. */
    private Map<String, Object> state() {
        return Map.of("sysctls", HostState.sysctls(lab, h, "u0"),
                "rules", HostState.dropRules(lab, h).stream().map(i -> i.equals("u0") ? "u0" : "index " + i).toList(),
                "sockets", HostState.packetSockets(lab, h).size());
    }

    @Test
    void recreateCyclesLeaveTheStateOfOneAndAReusedIndexKeepsItsArp() throws Exception {
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        int firstIndex = HostState.ifindex(lab, h, "u0");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0")) {
            Map<String, Object> one = null;
            for (int i = 1; i <= CYCLES; i++) {
                recreate();
                int back = i;
                assertThat(HostState.await(Duration.ofSeconds(10), () -> u.count(l -> l.contains("link u0 is back")) >= back))
                        .as("cycle %d: uarpd takes u0 back\n%s", i, u.logText()).isTrue();
                if (i == 1) {
                    HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).contains("u0"));
                    one = state();
                }
            }
            Map<String, Object> many = state();
            assertThat(many).as("%d cycles leave exactly the state of one", CYCLES).isEqualTo(one);
            assertThat(HostState.dropRules(lab, h)).as("one drop rule, for the live u0").containsExactly("u0");
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.1").ok()).as("u0 served\n" + u.logText()).isTrue();

            // An unrelated interface given u0's first index: the kernel must still hear its ARP.
            lab.ok(h, "ip", "link", "add", "x0", "index", Integer.toString(firstIndex), "type", "veth", "peer", "name", "y0", "netns", p);
            lab.ok(h, "ip", "addr", "add", "198.51.100.1/24", "dev", "x0");
            lab.ok(p, "ip", "addr", "add", "198.51.100.2/24", "dev", "y0");
            lab.ok(h, "ip", "link", "set", "x0", "up");
            lab.ok(p, "ip", "link", "set", "y0", "up");
            assertThat(lab.run(p, "arping", "-c", "2", "-w", "3", "-I", "y0", "198.51.100.1").ok())
                    .as("ARP on x0 (index %d, once u0's) answered by the kernel; uarpd's rules: %s", firstIndex, HostState.dropRules(lab, h)).isTrue();
            assertThat(u.terminate()).isZero();
        }
    }

    @Test
    void renameMacChangeFlapAndAddressesAreFollowed() throws Exception {
        lab.veth(h, "u0", "192.0.2.1/24", p, "p0", "192.0.2.2/24");
        Map<String, String> pristine = HostState.sysctls(lab, h, "u0");
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "u0", "--mode", "authoritative", "--warm-up", "0")) {
            String mac = "02:00:5e:00:53:10";
            lab.ok(h, "ip", "link", "set", "u0", "address", mac);
            assertThat(HostState.await(Duration.ofSeconds(5),
                    () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").out().toLowerCase(java.util.Locale.ROOT).contains(mac)))
                    .as("answers with the new MAC\n" + u.logText()).isTrue();

            lab.ok(h, "ip", "link", "set", "u0", "down");
            lab.ok(h, "ip", "link", "set", "u0", "up");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.1").ok()))
                    .as("answers after down/up\n" + u.logText()).isTrue();
            assertThat(HostState.dropRules(lab, h)).as("one rule after a flap").containsExactly("u0");

            lab.ok(h, "ip", "addr", "add", "192.0.2.30/24", "dev", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.30").ok()))
                    .as("a new address is answered\n" + u.logText()).isTrue();
            lab.ok(h, "ip", "addr", "flush", "dev", "u0");
            lab.ok(h, "ip", "addr", "add", "192.0.2.1/24", "dev", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> !lab.run(p, "arping", "-c", "1", "-w", "1", "-I", "p0", "192.0.2.30").ok()))
                    .as("a flushed address is no longer answered\n" + u.logText()).isTrue();

            // Renamed away, the interface is no longer the configured u0: nothing of uarpd's stays on it.
            lab.ok(h, "ip", "link", "set", "u0", "down");
            lab.ok(h, "ip", "link", "set", "u0", "name", "v0");
            lab.ok(h, "ip", "link", "set", "v0", "up");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).isEmpty()))
                    .as("no rule on the renamed interface: " + HostState.dropRules(lab, h)).isTrue();
            Map<String, String> renamed = new java.util.TreeMap<>();
            HostState.sysctls(lab, h, "v0").forEach((k, v) -> renamed.put(k.replace(".v0.", ".u0."), v));
            assertThat(renamed).as("the renamed interface has its original settings back").isEqualTo(pristine);
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "p0", "192.0.2.1").ok()).as("the kernel answers on v0").isTrue();

            lab.ok(h, "ip", "link", "set", "v0", "name", "u0");
            assertThat(HostState.await(Duration.ofSeconds(5), () -> HostState.dropRules(lab, h).equals(List.of("u0"))))
                    .as("renamed back: served again " + HostState.dropRules(lab, h)).isTrue();
            assertThat(u.terminate()).isZero();
        }
        assertThat(HostState.sysctls(lab, h, "u0")).isEqualTo(pristine);
        assertThat(HostState.dropRules(lab, h)).isEmpty();
    }

    @Test
    void anInterfaceNamedButAbsentIsWaitedForThenServed() throws Exception {
        try (UarpdProcess u = new UarpdProcess(lab, h, "--interface", "w0", "--mode", "authoritative", "--warm-up", "0")) {
            assertThat(u.log).as("says it waits for w0").anyMatch(l -> l.contains("w0") && l.contains("wait"));
            lab.veth(h, "w0", "198.51.100.1/24", p, "q0", "198.51.100.2/24");
            assertThat(HostState.await(Duration.ofSeconds(10), () -> HostState.dropRules(lab, h).equals(List.of("w0"))))
                    .as("w0 served once it appears\n" + u.logText()).isTrue();
            assertThat(lab.run(p, "arping", "-c", "1", "-w", "3", "-I", "q0", "198.51.100.1").ok()).as(u.logText()).isTrue();
            assertThat(lab.run(h, "ping", "-c", "1", "-W", "3", "198.51.100.2").ok()).as(u.logText()).isTrue();
            assertThat(u.terminate()).isZero();
        }
    }
}
