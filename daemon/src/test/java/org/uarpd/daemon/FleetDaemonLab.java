package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.uarpd.linux.NamespaceLab;

/**
 * What the fleet's namespace tests share: a {@link NamespaceLab}, a temporary directory for etcd's
 * data, configs, sockets and captures, one etcd member at 192.0.2.11 on a switch, and uarpd's
 * arguments for a fleet host. {@link #close} removes everything, and fails if a namespace is left.
 */
final class FleetDaemonLab implements AutoCloseable {
    static final String ETCD = "http://192.0.2.11:2379";

    final NamespaceLab lab;
    final Path dir;

    private FleetDaemonLab(String stem) throws java.io.IOException {
        FleetAcceptanceTest.requireTools();
        lab = new NamespaceLab(stem);
        dir = Files.createTempDirectory("uarpd-" + stem);
    }

    static FleetDaemonLab open(String stem) throws java.io.IOException {
        return new FleetDaemonLab(stem);
    }

    /** One etcd member in a new namespace on switch {@code sw}, serving clients; destroy it in a finally. */
    Process etcd(String sw) throws InterruptedException {
        String e1 = lab.namespace("e1");
        lab.switchPort(sw, e1, "e1", "192.0.2.11/24");
        Path log = dir.resolve("etcd.log");
        Process etcd = lab.start(e1, ProcessBuilder.Redirect.to(log.toFile()), ProcessBuilder.Redirect.appendTo(log.toFile()),
                "etcd", "--name", "e1", "--data-dir", dir.resolve("e1.etcd").toString(),
                "--listen-client-urls", ETCD, "--advertise-client-urls", ETCD,
                "--listen-peer-urls", "http://192.0.2.11:2380", "--initial-advertise-peer-urls", "http://192.0.2.11:2380",
                "--initial-cluster", "e1=http://192.0.2.11:2380", "--initial-cluster-token", lab.prefix());
        assertThat(Await.within(30, () -> etcd.isAlive() && FleetAcceptanceTest.read(log).contains("ready to serve client requests")))
                .as("etcd serves clients\n" + FleetAcceptanceTest.read(log)).isTrue();
        return etcd;
    }

    /**
     * uarpd's arguments for fleet host {@code host} of fleet {@code fleet} on link {@code host}, with
     * its name set in a config file (network namespaces share the machine's host name) and its
     * control socket at {@link #socket}; then {@code more}.
     */
    String[] args(String host, String fleet, String... more) throws java.io.IOException {
        Path config = dir.resolve(host + ".toml");
        Files.writeString(config, "[fleet]\nhost = \"" + host + "\"\n");
        List<String> all = new ArrayList<>(List.of("--config", config.toString(), "--control-socket", socket(host).toString(),
                "--interface", host, "--etcd", ETCD, "--fleet", fleet, "--warm-up", "0"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The plain peer p (192.0.2.30, link pp) and uarpd's two hosts h1 and h2 (.21, .22) on switch {@code sw}. */
    record Segment(String p, String h1, String h2, String macP, String mac1, String mac2) {}

    Segment segment(String sw) {
        String p = lab.namespace("p");
        lab.switchPort(sw, p, "pp", "192.0.2.30/24");
        String h1 = lab.namespace("h1");
        lab.switchPort(sw, h1, "h1", "192.0.2.21/24");
        String h2 = lab.namespace("h2");
        lab.switchPort(sw, h2, "h2", "192.0.2.22/24");
        return new Segment(p, h1, h2, lab.mac(p, "pp"), lab.mac(h1, "h1"), lab.mac(h2, "h2"));
    }

    /** tcpdump of ARP on {@code link} in {@code ns} into {@code name}.pcap, once it listens; the lab stops it at the end. */
    Path capture(String ns, String link, String name) throws InterruptedException {
        Path pcap = dir.resolve(name + ".pcap");
        Path err = dir.resolve(name + ".err");
        lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()),
                "tcpdump", "-Z", "root", "-i", link, "-n", "-U", "-w", pcap.toString(), "arp");
        assertThat(Await.within(10, () -> FleetAcceptanceTest.read(err).contains("listening on"))).as(FleetAcceptanceTest.read(err)).isTrue();
        return pcap;
    }

    Path socket(String host) {
        return dir.resolve(host + ".sock");
    }

    @Override
    public void close() throws Exception {
        lab.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
        assertThat(lab.leftovers()).as("namespaces left behind").isEmpty();
    }
}
