package org.uarpd.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.engine.rarp.EthersTable;
import org.uarpd.linux.LinuxBackend;
import org.uarpd.linux.NamespaceLab;
import org.uarpd.linux.NativeCallException;
import org.uarpd.linux.Policy;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uarpd run}: uarpd for the Linux host it runs on (in the network namespace it runs in). One
 * readable line per event on stderr. SIGTERM / SIGINT stop it and put back every kernel setting it
 * changed; after SIGKILL the kernel and the crash restorer do that (see {@code LinuxBackend}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run uarpd on real interfaces (needs root, or CAP_NET_ADMIN + CAP_NET_RAW).")
public final class RunCommand implements Callable<Integer> {
    /** Printed once the loop is about to start; the lab and the tests wait for it. */
    static final String READY = "uarpd ready";

    @Option(names = "--interface", required = true, paramLabel = "IF", description = "Interface to run on (repeatable).")
    List<String> interfaces = new ArrayList<>();

    @Option(names = "--mode", defaultValue = "authoritative", paramLabel = "MODE",
            description = "authoritative (uarpd alone does ARP) or assist (the kernel keeps its ARP). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--publish", paramLabel = "CIDR[,!EXCLUDED...]",
            description = "Answer for these addresses too (repeatable), e.g. 198.51.100.0/24,!198.51.100.7.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--publish-mac", paramLabel = "MAC", description = "Hardware address to answer published addresses with (default: the interface's own).")
    String publishMac;

    @Option(names = "--ethers", paramLabel = "FILE", description = "ethers(5) file: answer RARP requests from it.")
    Path ethers;

    @Option(names = "--hosts", paramLabel = "FILE", description = "hosts(5) file for names in the ethers file.")
    Path hosts;

    @Option(names = "--quiet", description = "No per-event lines (for benchmarks).")
    boolean quiet;

    @Option(names = "--busy-poll", description = "Never sleep in poll(2): one CPU at 100%% for the lowest first-packet latency.")
    boolean busyPoll;

    @Option(names = "--warm-up", defaultValue = "20000", paramLabel = "N",
            description = "Synthetic resolutions rehearsed through a private engine before starting, so the JIT has compiled the hot path "
                    + "by the first real miss (0: none). Default: ${DEFAULT-VALUE}.")
    int warmUp;

    @Override
    public Integer call() throws Exception {
        String missing = NamespaceLab.missingPrivileges("for netlink, packet sockets, sysctls and nftables");
        if (missing != null) {
            System.err.println("uarpd run: " + missing);
            return 1;
        }
        EngineConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("uarpd run: " + e.getMessage());
            return 2;
        }
        Engine engine = new Engine(config);
        List<LinuxBackend.Interface> links = new ArrayList<>();
        for (String i : interfaces) links.add(new LinuxBackend.Interface(i, config.policyFor(i).mode()));
        LinuxBackend backend = new LinuxBackend(links, policyOf(engine),
                quiet ? org.uarpd.linux.EventLog.SILENT : new StderrEventLog(System.err), busyPoll);
        // SIGTERM / SIGINT: ask the loop to stop; it restores everything and run() returns normally.
        for (String signal : List.of("TERM", "INT", "HUP")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> backend.requestStop());
        }
        // Any other orderly JVM exit (System.exit elsewhere, an uncaught error path): the same clean-up.
        Thread hook = new Thread(backend::stop, "uarpd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            backend.start();
            if (warmUp > 0) {
                long t = System.nanoTime();
                LinkPolicy first = config.policyFor(interfaces.get(0));
                HardwareAddress rarpClient = first.rarp() && !config.ethers().addresses().isEmpty()
                        ? config.ethers().addresses().keySet().iterator().next() : null;
                backend.rehearse(policyOf(new Engine(config)), warmUp, publishedSamples(first), rarpClient);
                if (!quiet) {
                    System.err.printf("rehearsed the hot path %d times in %d ms (JIT warm-up; nothing sent)%n", warmUp,
                            (System.nanoTime() - t) / 1_000_000);
                }
            }
            System.err.println(READY + " on " + String.join(", ", interfaces) + " (" + mode + ")");
            backend.run();
            return 0;
        } catch (NativeCallException e) {
            System.err.println("uarpd run: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("uarpd run: internal error: " + e);
            e.printStackTrace();
            return 1;
        } finally {
            backend.close(); // already done after a normal stop; after a failure it puts everything back now
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
    }

    /** One place builds every policy, so the real engine and the rehearsal's look alike to the JIT. */
    private static Policy policyOf(Engine engine) {
        return Policy.of(engine::handle, engine::nextDeadline);
    }

    /** One address from each published entry of {@code policy}, for the rehearsal to ask for. */
    static int[] publishedSamples(LinkPolicy policy) {
        List<Integer> out = new ArrayList<>();
        for (PublishedEntry e : policy.published()) {
            switch (e.target()) {
                case PublishedEntry.Target.Address a -> out.add(a.address());
                case PublishedEntry.Target.Range r -> {
                    long first = r.range().network() & 0xFFFFFFFFL;
                    long last = first | (~Ip4.mask(r.range().prefixLength()) & 0xFFFFFFFFL);
                    for (long a = first; a <= last; a++) {
                        int candidate = (int) a;
                        if (r.excluded().stream().noneMatch(x -> x.contains(candidate))) {
                            out.add(candidate);
                            break;
                        }
                    }
                }
                case PublishedEntry.Target.RoutedElsewhere x -> { }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    EngineConfig config() throws Exception {
        LinkMode linkMode = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "authoritative" -> LinkMode.AUTHORITATIVE;
            case "assist" -> LinkMode.ASSIST;
            default -> throw new IllegalArgumentException("--mode: unknown mode '" + mode + "' (expected authoritative or assist)");
        };
        HardwareAddress mac = null;
        if (publishMac != null) {
            try {
                mac = HardwareAddress.parse(publishMac);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--publish-mac: " + e.getMessage());
            }
            if (mac.length() != 6) throw new IllegalArgumentException("--publish-mac: " + publishMac + " is not a 6-byte Ethernet address");
        }
        List<PublishedEntry> published = new ArrayList<>();
        for (String p : publish) published.add(parsePublish(p).withHardware(mac));
        EthersTable table = EthersTable.EMPTY;
        if (ethers != null) {
            try {
                table = EthersTable.read(ethers, hosts);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--ethers: cannot read " + ethers + ": " + e.getMessage());
            } catch (org.uarpd.engine.rarp.ConfigFileException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        } else if (hosts != null) {
            throw new IllegalArgumentException("--hosts is only used with --ethers");
        }
        LinkPolicy policy = (linkMode == LinkMode.AUTHORITATIVE ? LinkPolicy.authoritative() : LinkPolicy.assist())
                .withRarp(ethers != null).withPublished(published);
        Map<String, LinkPolicy> byName = new LinkedHashMap<>();
        for (String i : interfaces) byName.put(i, policy);
        return EngineConfig.defaults().withSeed(System.nanoTime()).withLinks(byName).withEthers(table);
    }

    /** {@code CIDR[,!EXCLUDED…]}: a range and what to leave out of it. */
    static PublishedEntry parsePublish(String text) {
        String[] parts = text.split(",");
        try {
            Cidr range = Cidr.parse(parts[0].strip());
            List<Cidr> excluded = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                String e = parts[i].strip();
                if (!e.startsWith("!")) {
                    throw new IllegalArgumentException("'" + e + "' should be an exclusion like !198.51.100.7");
                }
                Cidr x = Cidr.parse(e.substring(1));
                if (!range.contains(x.network())) throw new IllegalArgumentException(e + " is outside " + parts[0]);
                excluded.add(x);
            }
            if (excluded.isEmpty() && range.prefixLength() == 32) return PublishedEntry.address(range.network());
            return PublishedEntry.range(range, excluded.toArray(Cidr[]::new));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--publish " + text + ": " + e.getMessage());
        }
    }
}
