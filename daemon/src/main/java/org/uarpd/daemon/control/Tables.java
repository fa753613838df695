package org.uarpd.daemon.control;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.protocol.Request;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.engine.Durations;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.engine.AddressClaim;
import org.uarpd.engine.Engine;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.linux.LinuxBackend.LinkInfo;
import org.uarpd.linux.LoopControl;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

/** The tables {@code uarpctl show} prints, read from the engine, the loop and the configuration in force (loop thread). */
final class Tables {
    private Tables() {}

    static Response show(Request.Table table, Engine engine, LoopControl loop, UarpdConfig config, List<Response.PublishedRow> operator) {
        return switch (table == null ? Request.Table.NEIGH : table) {
            case NEIGH -> neighbours(engine, loop);
            case PUBLISHED -> published(config, operator);
            case LINKS -> links(engine, loop, config);
            case RARP -> rarp(engine);
            case FLEET -> new Response.Failure("this uarpd is in no fleet: start it with --etcd ENDPOINTS --fleet NAME or a [fleet] section");
        };
    }

    /**
     * The neighbour table as rows made one at a time while the answer is written (off the loop, by
     * the connection's thread): the loop only takes a snapshot of the entries (immutable records) and
     * the names of their links, so answering 100,000 entries never holds 100,000 rows of strings, nor
     * the whole answer as one string (ControlServer writes it in the JSON writer's bounded chunks).
     */
    private static Response neighbours(Engine engine, LoopControl loop) {
        List<Engine.Neighbor> all = new ArrayList<>(engine.neighbors());
        all.sort((x, y) -> x.link() != y.link() ? Integer.compare(x.link(), y.link()) : Integer.compareUnsigned(x.address(), y.address()));
        // IPv6 entries after the IPv4 ones, ordered the same way: by link, then address.
        List<Engine.Neighbor6> all6 = new ArrayList<>(engine.neighbors6());
        all6.sort((x, y) -> x.link() != y.link() ? Integer.compare(x.link(), y.link())
                : x.address().high() != y.address().high() ? Long.compareUnsigned(x.address().high(), y.address().high())
                : Long.compareUnsigned(x.address().low(), y.address().low()));
        Map<Integer, String> names = new HashMap<>();
        for (Engine.Neighbor n : all) names.computeIfAbsent(n.link(), loop::nameOf);
        for (Engine.Neighbor6 n : all6) names.computeIfAbsent(n.link(), loop::nameOf);
        return new Response.Neighbours(new NeighbourRows(all, all6, names));
    }

    /** The rows of {@link #neighbours}: IPv4 entries, then IPv6 ones, each row made when it is read. */
    private static final class NeighbourRows extends AbstractList<Response.Neighbour> implements RandomAccess {
        private final List<Engine.Neighbor> v4;
        private final List<Engine.Neighbor6> v6;
        private final Map<Integer, String> names;

        NeighbourRows(List<Engine.Neighbor> v4, List<Engine.Neighbor6> v6, Map<Integer, String> names) {
            this.v4 = v4;
            this.v6 = v6;
            this.names = names;
        }

        @Override
        public Response.Neighbour get(int i) {
            if (i < v4.size()) {
                Engine.Neighbor n = v4.get(i);
                return new Response.Neighbour(Ip4.format(n.address()), names.get(n.link()), n.hardware() == null ? null : n.hardware().toString(),
                        n.state().name());
            }
            Engine.Neighbor6 n = v6.get(i - v4.size());
            return new Response.Neighbour(n.address().toString(), names.get(n.link()), n.hardware() == null ? null : n.hardware().toString(),
                    n.state().name());
        }

        @Override
        public int size() {
            return v4.size() + v6.size();
        }
    }

    private static Response published(UarpdConfig config, List<Response.PublishedRow> operator) {
        List<Response.PublishedRow> rows = new ArrayList<>();
        for (LinkSection l : config.links().values()) {
            for (PublishedEntry e : l.policy().published()) rows.add(publishedRow(l.name(), e, "config"));
            for (org.uarpd.engine.NdPublished e : l.published6()) rows.add(publishedRow6(l.name(), e, "config"));
        }
        rows.addAll(operator);
        return new Response.Published(rows);
    }

    static Response.PublishedRow publishedRow(String link, PublishedEntry e, String source) {
        return new Response.PublishedRow(link, PublishedTargets.format(e.target()), PublishedTargets.formatExclusions(e.target()),
                e.hardware() == null ? null : e.hardware().toString(), e.broadcastOnly(), Durations.format(e.replyDelayNanos()),
                e.answerProbes(), source, null);
    }

    /** An IPv6 entry's row: exclusions written as addresses where they are one, and the condition it is answered under. */
    static Response.PublishedRow publishedRow6(String link, org.uarpd.engine.NdPublished e, String source) {
        return new Response.PublishedRow(link, e.range().toString(),
                e.excluded().stream().map(OperatorNdEntries::format).toList(),
                e.hardware() == null ? null : e.hardware().toString(), false, Durations.format(0), false, source, PublishedTargets.formatWhen(e));
    }

    private static Response links(Engine engine, LoopControl loop, UarpdConfig config) {
        List<long[]> addresses = loop.addresses();
        List<Response.LinkRow> rows = new ArrayList<>();
        for (LinkInfo l : loop.linkInfo()) {
            LinkSection s = config.links().get(l.name());
            List<String> own = new ArrayList<>();
            for (long[] pair : addresses) if (pair[0] == l.index()) own.add(Ip4.format((int) pair[1]));
            rows.add(new Response.LinkRow(l.name(), l.index(), l.hardware() == null ? null : l.hardware().toString(), l.mode().name().toLowerCase(),
                    s == null ? engine.config().policyFor(l.name()).rarp() : s.policy().rarp(), own, unanswered(engine, l.index())));
        }
        return new Response.Links(rows);
    }

    /** The claims on {@code link} that keep uarpd from answering for the address (probing, yielded), by address. */
    private static List<Response.ClaimRow> unanswered(Engine engine, int link) {
        List<AddressClaim> claims = new ArrayList<>();
        for (AddressClaim c : engine.claims()) {
            if (c.link() == link && (c.state() == AddressClaim.State.PROBING || c.state() == AddressClaim.State.YIELDED)) claims.add(c);
        }
        claims.sort((x, y) -> Integer.compareUnsigned(x.address(), y.address()));
        return claims.stream().map(c -> new Response.ClaimRow(Ip4.format(c.address()), c.state().name().toLowerCase(),
                c.claimant() == null ? null : c.claimant().toString())).toList();
    }

    private static Response rarp(Engine engine) {
        List<Map.Entry<HardwareAddress, Integer>> entries = new ArrayList<>(engine.config().ethers().addresses().entrySet());
        entries.sort(Map.Entry.comparingByValue(Integer::compareUnsigned));
        return new Response.Rarp(entries.stream().map(e -> new Response.RarpRow(e.getKey().toString(), Ip4.format(e.getValue()))).toList());
    }
}
