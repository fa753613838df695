package org.uarpd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/**
 * The C floor resolver: it builds with gcc, resolves a first packet itself with the kernel's ARP
 * turned off (the peer's ARP request count proves the request was its own), and puts every setting
 * back when stopped. Needs root and gcc (fails saying so).
 */
class FloorResolverTest {
    private NamespaceLab lab;

    @BeforeEach
    void lab() {
        lab = new NamespaceLab("uarpd-floor-");
    }

    @AfterEach
    void tearDown() {
        lab.close();
    }

    @Test
    void refusesAnInterfaceNameItCannotUse() throws Exception {
        Path floor = FloorResolver.build();
        Process p = new ProcessBuilder(floor.toString(), "no such/if").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("is not an interface name");
    }

    @Test
    void resolvesTheFirstPacketWithTheKernelsArpOffAndRestoresEverything() throws Exception {
        Path floor = FloorResolver.build();
        String host = lab.namespace("h");
        String peer = lab.namespace("p");
        for (String ns : new String[] {host, peer}) { // no IPv6 chatter in the peer's frame count
            lab.ok(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            lab.ok(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        }
        lab.veth(host, "f0", "192.0.2.1/24", peer, "g0", "192.0.2.2/24");
        Path out = Files.createTempFile("floor-test", ".out");
        try {
            Process p = lab.start(null, ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.appendTo(out.toFile()),
                    "ip", "netns", "exec", host, floor.toString(), "f0", "authoritative");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(out).contains(FloorResolver.READY)) {
                assertThat(p.isAlive()).as("floor exited: %s", Files.readString(out)).isTrue();
                assertThat(System.nanoTime() - deadline).as("floor not ready within 20 s").isNegative();
                Thread.sleep(20); // polling a condition with a deadline
            }
            assertThat(lab.ok(host, "sysctl", "-n", "net.ipv4.conf.f0.arp_ignore").strip()).isEqualTo("8");
            assertThat(lab.ok(host, "sysctl", "-n", "net.ipv4.neigh.f0.mcast_solicit").strip()).isEqualTo("0");
            assertThat(lab.ok(host, "nft", "list", "table", "arp", "floor")).contains("iif \"f0\" drop");

            long before = Long.parseLong(lab.ok(peer, "cat", "/sys/class/net/g0/statistics/rx_packets").strip());
            NamespaceLab.Result ping = lab.run(host, "ping", "-n", "-c", "1", "-W", "3", "192.0.2.2");
            assertThat(ping.ok()).as("first ping: %s%s", ping.out(), ping.err()).isTrue();
            long received = Long.parseLong(lab.ok(peer, "cat", "/sys/class/net/g0/statistics/rx_packets").strip()) - before;
            assertThat(received).as("one ARP request (the floor's: the kernel's solicits are 0) and the echo request").isEqualTo(2);
            assertThat(lab.ok(host, "ip", "neigh", "show", "192.0.2.2", "dev", "f0")).contains("REACHABLE");

            p.toHandle().destroy();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(lab.ok(host, "sysctl", "-n", "net.ipv4.conf.f0.arp_ignore").strip()).isEqualTo("0");
            assertThat(lab.ok(host, "sysctl", "-n", "net.ipv4.neigh.f0.app_solicit").strip()).isEqualTo("0");
            assertThat(lab.run(host, "nft", "list", "table", "arp", "floor").ok()).isFalse();
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
