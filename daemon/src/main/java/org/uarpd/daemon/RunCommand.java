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

    @Override
    public Integer call() throws Exception {
        String missing = NamespaceLab.missingPrivileges();
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
        LinuxBackend backend = new LinuxBackend(links, Policy.of(engine::handle, engine::nextDeadline),
                quiet ? org.uarpd.linux.EventLog.SILENT : new StderrEventLog(System.err));
        // SIGTERM / SIGINT: ask the loop to stop; it restores everything and run() returns normally.
        for (String signal : List.of("TERM", "INT", "HUP")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> backend.requestStop());
        }
        // Any other orderly JVM exit (System.exit elsewhere, an uncaught error path): the same clean-up.
        Thread hook = new Thread(backend::stop, "uarpd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            backend.start();
            System.err.println(READY + " on " + String.join(", ", interfaces) + " (" + mode + ")");
            backend.run();
            return 0;
        } catch (NativeCallException e) {
            System.err.println("uarpd run: " + e.getMessage());
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
        }
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
