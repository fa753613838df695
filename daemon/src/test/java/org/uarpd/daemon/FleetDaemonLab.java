package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.uarpd.linux.NamespaceLab;

/**
 * What the fleet's namespace tests share: a {@link NamespaceLab} with a switch, a temporary directory
 * (on tmpfs where there is one, so etcd's disk syncs cost little) for etcd's data, configs, sockets
 * and captures; etcd members at 192.0.2.11.. on the switch; the segment of a plain peer and two uarpd
 * hosts; uarpd fleet hosts, captures and probers. {@link #close} kills every process it started and
 * removes everything, and fails if a namespace is left. Needs root, iproute2, scapy, tcpdump and etcd;
 * fails saying what is missing.
 */
final class FleetDaemonLab implements AutoCloseable {
    /** The address the tests publish as a fleet group. */
    static final String VIP = "198.51.100.7";
    static final String BROADCAST = "ff:ff:ff:ff:ff:ff";
    /** The sender address of {@link #prober}'s requests: no host of the lab has it. */
    static final String PROBER_IP = "192.0.2.99";

    final NamespaceLab lab;
    final Path dir;
    /** The switch every namespace of the lab is plugged into. */
    final String sw;
    private final Map<Integer, Process> members = new LinkedHashMap<>();
    private final Map<Integer, String[]> memberCommands = new LinkedHashMap<>();
    private final List<Path> memberLogs = new ArrayList<>();
    private final Map<Path, Process> captures = new LinkedHashMap<>();
    private List<String> endpoints = List.of();
    /** More {@code [fleet]} keys for every host's config file (TOML lines), e.g. {@code lease-ttl = "1s"}. */
    String fleetKeys = "";

    private FleetDaemonLab(String stem) throws IOException {
        requireTools();
        lab = new NamespaceLab(stem);
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "uarpd-" + stem)
                : Files.createTempDirectory("uarpd-" + stem);
        sw = lab.namespace("sw");
    }

    static FleetDaemonLab open(String stem) throws IOException {
        return new FleetDaemonLab(stem);
    }

    /** The tools these tests need, or an assertion naming what to install. */
    static void requireTools() {
        assertThat(LabCommand.missingTools()).as("tools the acceptance tests need").isNull();
        boolean etcd = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "etcd")));
        assertThat(etcd).as("fleet mode runs against real etcd: install it with 'apt-get install etcd-server' (Debian)").isTrue();
        assertThat(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")))
                .as("the wire is checked with tcpdump: 'apt-get install tcpdump'").isTrue();
    }

    /** One etcd member (e1, 192.0.2.11) with etcd's default timing; returns the client URLs. */
    List<String> etcd() throws InterruptedException {
        return etcd(1, 100, 1000);
    }

    /**
     * An etcd cluster of {@code n} members (e1.., 192.0.2.11..), each in a namespace of its own on the
     * switch, with {@code heartbeatMs} and {@code electionMs} as etcd's flags; waits until every member
     * serves clients. Later {@link #args} use these endpoints.
     */
    List<String> etcd(int n, int heartbeatMs, int electionMs) throws InterruptedException {
        List<String> peers = new ArrayList<>();
        List<String> clients = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            peers.add("e" + i + "=http://" + memberIp(i) + ":2380");
            clients.add("http://" + memberIp(i) + ":2379");
        }
        for (int i = 1; i <= n; i++) {
            String ns = lab.namespace("e" + i);
            lab.switchPort(sw, ns, "e" + i, memberIp(i) + "/24");
            Path log = dir.resolve("e" + i + ".log");
            memberLogs.add(log);
            memberCommands.put(i, new String[] {ns, "etcd", "--name", "e" + i, "--data-dir", dir.resolve("e" + i + ".etcd").toString(),
                    "--listen-client-urls", clients.get(i - 1), "--advertise-client-urls", clients.get(i - 1),
                    "--listen-peer-urls", "http://" + memberIp(i) + ":2380", "--initial-advertise-peer-urls", "http://" + memberIp(i) + ":2380",
                    "--initial-cluster", String.join(",", peers), "--initial-cluster-state", "new", "--initial-cluster-token", lab.prefix(),
                    "--heartbeat-interval", Integer.toString(heartbeatMs), "--election-timeout", Integer.toString(electionMs),
                    "--pre-vote"}); // a member that fell behind under load cannot depose a leader the others still hear
            startMember(i);
        }
        awaitMembers(1);
        endpoints = clients;
        return clients;
    }

    /** Starts member {@code i} (again: with its data directory, etcd takes up where it stopped). */
    private void startMember(int i) {
        String[] c = memberCommands.get(i);
        Path log = memberLogs.get(i - 1);
        members.put(i, lab.start(c[0], ProcessBuilder.Redirect.appendTo(log.toFile()), ProcessBuilder.Redirect.appendTo(log.toFile()),
                java.util.Arrays.copyOfRange(c, 1, c.length)));
    }

    /** Waits until every member serves clients for the {@code times}-th time (each start logs it once). */
    private void awaitMembers(int times) throws InterruptedException {
        for (int i = 1; i <= members.size(); i++) {
            Process p = members.get(i);
            Path log = memberLogs.get(i - 1);
            assertThat(Await.within(30, () -> p.isAlive() && read(log).split("ready to serve client requests", -1).length > times))
                    .as("etcd e" + i + " serves clients\n" + read(log)).isTrue();
        }
    }

    /** Starts every member again after {@link #killMember} (same data, same flags) and waits until each serves clients. */
    void restartMembers() throws InterruptedException {
        int times = read(memberLogs.getFirst()).split("ready to serve client requests", -1).length;
        for (int i = 1; i <= members.size(); i++) startMember(i);
        awaitMembers(times);
    }

    static String memberIp(int i) {
        return "192.0.2." + (10 + i);
    }

    private static final Pattern BECAME_LEADER = Pattern.compile("became leader at term (\\d+)");

    /** The member (1-based) that last became leader, as the members' logs say, or 0 before any did. */
    int leader() {
        int leader = 0;
        long term = -1;
        for (int i = 1; i <= memberLogs.size(); i++) {
            Matcher m = BECAME_LEADER.matcher(read(memberLogs.get(i - 1)));
            while (m.find()) {
                if (Long.parseLong(m.group(1)) > term) {
                    term = Long.parseLong(m.group(1));
                    leader = i;
                }
            }
        }
        return leader;
    }

    /** SIGKILL of member {@code i}; returns once it is gone. */
    void killMember(int i) throws InterruptedException {
        Process p = members.get(i);
        p.destroyForcibly();
        p.waitFor();
    }

    /** The plain peer p (192.0.2.30, link pp) and uarpd's two hosts h1 and h2 (.21, .22) on the switch. */
    record Segment(String p, String h1, String h2, String macP, String mac1, String mac2) {}

    Segment segment() {
        String p = lab.namespace("p");
        lab.switchPort(sw, p, "pp", "192.0.2.30/24");
        String h1 = lab.namespace("h1");
        lab.switchPort(sw, h1, "h1", "192.0.2.21/24");
        String h2 = lab.namespace("h2");
        lab.switchPort(sw, h2, "h2", "192.0.2.22/24");
        return new Segment(p, h1, h2, lab.mac(p, "pp"), lab.mac(h1, "h1"), lab.mac(h2, "h2"));
    }

    /**
     * uarpd's arguments for fleet host {@code host} of fleet {@code fleet} on link {@code host}, against
     * the etcd started last, with its name set in a config file (network namespaces share the machine's
     * host name), metrics on its namespace's 127.0.0.1:9587 and its control socket at {@link #socket};
     * then {@code more}.
     */
    String[] args(String host, String fleet, String... more) throws IOException {
        assertThat(endpoints).as("etcd is started before the hosts").isNotEmpty();
        Path config = dir.resolve(host + ".toml");
        Files.writeString(config, "[fleet]\nhost = \"" + host + "\"\n" + fleetKeys + "[metrics]\nlisten = \"127.0.0.1:9587\"\n");
        List<String> all = new ArrayList<>(List.of("--config", config.toString(), "--control-socket", socket(host).toString(),
                "--interface", host, "--etcd", String.join(",", endpoints), "--fleet", fleet, "--warm-up", "0"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** uarpd as fleet host {@code host} in namespace {@code ns}, publishing {@link #VIP} (debug log: the tests read its per-packet lines). */
    UarpdProcess publisher(String ns, String host, String fleet, String... more) throws Exception {
        List<String> all = new ArrayList<>(List.of("--publish", VIP));
        all.addAll(List.of(more));
        return new UarpdProcess(lab, ns, args(host, fleet, all.toArray(String[]::new)));
    }

    /** Waits until {@code u} says it answers for {@link #VIP}. */
    static void awaitOwner(UarpdProcess u) throws InterruptedException {
        assertThat(Await.within(15, () -> u.log.stream().anyMatch(l -> l.contains("now answers for " + VIP)))).as(u.logText()).isTrue();
    }

    /**
     * Fleet hosts h1, then h2, of segment {@code s} publishing {@link #VIP} in fleet {@code fleet}:
     * returns them once h1 owns the group and h2 sees it so.
     */
    List<UarpdProcess> ownerAndStandby(Segment s, String fleet) throws Exception {
        UarpdProcess u1 = publisher(s.h1(), "h1", fleet);
        awaitOwner(u1);
        UarpdProcess u2 = publisher(s.h2(), "h2", fleet);
        assertThat(Await.within(15, () -> ctl("h2", "show", "fleet").contains(VIP + " owner h1")))
                .as(ctl("h2", "show", "fleet") + "\n" + u2.logText()).isTrue();
        return List.of(u1, u2);
    }

    /** tcpdump of ARP on {@code link} in {@code ns} into {@code name}.pcap, once it listens; the lab stops it at the end. */
    Path capture(String ns, String link, String name) throws InterruptedException {
        Path pcap = dir.resolve(name + ".pcap");
        Path err = dir.resolve(name + ".err");
        captures.put(pcap, lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.to(err.toFile()),
                "tcpdump", "-Z", "root", "-i", link, "-n", "-U", "-w", pcap.toString(), "arp"));
        assertThat(Await.within(10, () -> read(err).contains("listening on"))).as(read(err)).isTrue();
        return pcap;
    }

    /** Stops the tcpdump writing {@code pcap} and removes the file. */
    void dropCapture(Path pcap) throws InterruptedException, IOException {
        Process p = captures.remove(pcap);
        if (p != null) stop(p);
        Files.deleteIfExists(pcap);
    }

    /**
     * A broadcast ARP request for {@code target} from {@code iface} in {@code ns} every {@code intervalMs}
     * (scapy; iputils arping takes whole seconds only), each from a hardware address of its own
     * ({@link FleetWire#PROBE_PREFIX} and a counter, in the Ethernet source and the ARP sender), so that
     * every reply names the one request it answers. The sender address is {@link #PROBER_IP}.
     */
    Process prober(String ns, String iface, String target, int intervalMs, String name) {
        Path errors = dir.resolve(name + ".err");
        return lab.start(ns, ProcessBuilder.Redirect.DISCARD, ProcessBuilder.Redirect.appendTo(errors.toFile()), "/usr/bin/python3", "-c",
                "import time\n"
                        + "from scapy.all import Ether, ARP, conf\n"
                        + "s = conf.L2socket(iface='" + iface + "')\n"
                        + "start = time.monotonic()\n"
                        + "i = 0\n"
                        + "while True:\n"
                        + "    i += 1\n"
                        + "    m = '" + FleetWire.PROBE_PREFIX + "%02x:%02x:%02x:%02x' % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)\n"
                        + "    s.send(Ether(dst='" + BROADCAST + "', src=m) / ARP(op=1, hwsrc=m, psrc='" + PROBER_IP + "', pdst='" + target + "'))\n"
                        // Paced against the start, so a late send does not push every later one back.
                        + "    time.sleep(max(0.0, start + i * " + intervalMs / 1000.0 + " - time.monotonic()))\n");
    }

    /** One broadcast request for {@code target} from the peer of segment {@code s}, from its own addresses (192.0.2.30). */
    void askFromPeer(Segment s, String target) {
        lab.ok(s.p(), "/usr/bin/python3", "-c", "from scapy.all import Ether, ARP, sendp\n"
                + "sendp(Ether(dst='" + BROADCAST + "', src='" + s.macP() + "') / ARP(op=1, hwsrc='" + s.macP() + "', psrc='192.0.2.30', pdst='"
                + target + "'), iface='pp', verbose=0)\n");
    }

    /** Stops a process this lab started (a prober, a capture) and waits for it. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        p.waitFor();
    }

    Path socket(String host) {
        return dir.resolve(host + ".sock");
    }

    /** uarpctl against {@code host}'s socket: its output, or its error output when it failed. */
    String ctl(String host, String... args) {
        DaemonLab.Ctl c = DaemonLab.ctl(socket(host), args);
        return c.exit() == 0 ? c.out() : "exit " + c.exit() + ": " + c.err();
    }

    private static final Pattern DIRECTORY = Pattern.compile("directory (\\d+) entries");

    /** The directory's size as {@code show fleet} on {@code host} says, or -1. */
    int directorySize(String host) {
        Matcher m = DIRECTORY.matcher(ctl(host, "show", "fleet"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The Prometheus text uarpd in {@code ns} serves on its namespace's 127.0.0.1:9587. */
    String metrics(String ns) {
        return lab.run(ns, "/usr/bin/python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:9587/metrics', timeout=5).read().decode())").out();
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
