package org.uarpd.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uarpd.engine.Engine;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.NdConfig;
import org.uarpd.engine.NdLinkPolicy;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.engine.rarp.EthersTable;
import org.uarpd.sim.scenario.Scenario;
import org.uarpd.sim.scenario.ScenarioRunner;
import org.uarpd.wire.HardwareAddress;

/** uarpd on a simulated host: a real {@link Engine} behind the {@link SimBackend}. */
public final class EngineResolver {
    private EngineResolver() {}

    /** A resolver factory for {@link SimHost#runResolver}: each (re)start gets a fresh engine from {@code config}. */
    public static java.util.function.Function<SimHost, SimHost.Resolver> withConfig(EngineConfig config) {
        return withConfig(config, NdConfig.defaults());
    }

    /** The same, with the engine's IPv6 neighbour discovery configured by {@code nd}. */
    public static java.util.function.Function<SimHost, SimHost.Resolver> withConfig(EngineConfig config, NdConfig nd) {
        return host -> new SimBackend(host, new Engine(config, nd));
    }

    /** The factory scenario files use: an engine configured from the host's declarations. */
    public static ScenarioRunner.ResolverFactory forScenarios() {
        return (host, scenario, decl) -> new SimBackend(host, new Engine(config(host, scenario, decl), ndConfig(scenario, decl)));
    }

    /** The host's IPv6 side: RFC 4861 defaults, and on each interface the IPv6 ranges it publishes. */
    static NdConfig ndConfig(Scenario scenario, Scenario.HostDecl decl) {
        Map<String, List<NdPublished>> published = new HashMap<>();
        for (Scenario.Publish6Decl p : scenario.published6()) {
            if (!p.host().equals(decl.name())) continue;
            NdPublished entry = new NdPublished(p.range(), p.excluded(), p.hardware());
            published.computeIfAbsent(p.ifname(), k -> new ArrayList<>()).add(entry);
        }
        NdConfig defaults = NdConfig.defaults();
        Map<String, NdLinkPolicy> links = new LinkedHashMap<>();
        published.forEach((ifname, entries) -> links.put(ifname, defaults.defaultLink().withPublished(entries)));
        return defaults.withLinks(links);
    }

    /**
     * The engine configuration a scenario gives a host: each interface's mode, whether it serves
     * RARP, answers for its published ranges and, with {@code proxy}, for every address routed out
     * of another interface (proxy-ARP bridging); the ethers table; a seed derived from the run's.
     */
    static EngineConfig config(SimHost host, Scenario scenario, Scenario.HostDecl decl) {
        Map<String, List<PublishedEntry>> published = new HashMap<>();
        for (Scenario.PublishDecl p : scenario.published()) {
            if (!p.host().equals(decl.name())) continue;
            PublishedEntry entry = new PublishedEntry(p.target(), null, false, 0, false);
            if (p.hardware() != null) entry = entry.withHardware(p.hardware());
            published.computeIfAbsent(p.ifname(), k -> new ArrayList<>()).add(entry);
        }
        Map<String, LinkPolicy> links = new LinkedHashMap<>();
        for (Scenario.InterfaceDecl i : scenario.interfaces()) {
            if (!i.host().equals(decl.name())) continue;
            LinkPolicy policy = decl.assist() ? LinkPolicy.assist() : LinkPolicy.authoritative();
            List<PublishedEntry> entries = new ArrayList<>(published.getOrDefault(i.name(), List.of()));
            if (i.proxy()) entries.add(PublishedEntry.routedElsewhere());
            links.put(i.name(), policy.withRarp(i.rarpServer()).withPublished(entries));
        }
        Map<HardwareAddress, Integer> ethers = new HashMap<>();
        for (Scenario.EthersDecl e : scenario.ethers()) {
            if (e.host().equals(decl.name())) ethers.put(e.hardware(), e.address());
        }
        return EngineConfig.defaults()
                .withSeed(host.world().sim().seed() * 31 + decl.name().hashCode())
                .withLinks(links)
                .withEthers(new EthersTable(ethers));
    }
}
