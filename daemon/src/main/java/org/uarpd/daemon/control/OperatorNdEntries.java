package org.uarpd.daemon.control;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.uarpd.daemon.control.protocol.Request;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.daemon.syntax.Addresses;
import org.uarpd.daemon.syntax.PublishedTargets;
import org.uarpd.daemon.syntax.SyntaxException;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.OperatorCommand;

/**
 * The IPv6 entries published with {@code uarpctl publish} (answered to neighbour solicitations,
 * RFC 4861 §7.2.8), kept so that {@code show published} lists them and {@code unpublish} takes back
 * only what uarpctl added. Loop thread only.
 */
final class OperatorNdEntries {
    private record Published(String link, NdPublished entry) {}

    private final List<Published> entries = new ArrayList<>();

    /** Whether {@code e} names an IPv6 target. */
    static boolean isIpv6(Request.Entry e) {
        return e != null && e.target() != null && Addresses.isIpv6(e.target());
    }

    /** The entry {@code e} describes; ARP's answer options have no meaning for neighbour discovery and are refused. */
    static NdPublished entry(Request.Entry e) throws ControlException {
        if (e.broadcastOnly() || e.replyDelayNanos() != 0 || e.answerProbes()) {
            throw new ControlException("--broadcast-only, --reply-delay and --answer-probes are ARP's; an IPv6 entry takes none");
        }
        try {
            NdPublished entry = PublishedTargets.parse6(e.target(), e.exclude());
            entry = e.lladdr() == null ? entry : entry.withHardware(Addresses.ethernet(e.lladdr()));
            return PublishedTargets.answered(entry, e.when(), e.via());
        } catch (PublishedTargets.BadPart x) {
            throw new ControlException("--" + x.key() + ": " + x.getMessage());
        } catch (SyntaxException x) {
            throw new ControlException(x.forControl());
        } catch (IllegalArgumentException x) {
            throw new ControlException(x.getMessage());
        }
    }

    /** Adds or takes back {@code entry} on {@code link} (0: every link, {@code linkName} "*"). */
    Response publish(int link, String linkName, NdPublished entry, boolean add, Consumer<OperatorCommand> command) throws ControlException {
        Published p = new Published(linkName, entry);
        if (add) {
            if (entries.contains(p)) throw new ControlException("already published: " + describe(p));
            command.accept(new OperatorCommand.Publish6(link, entry));
            entries.add(p);
            return new Response.Message("published " + describe(p));
        }
        if (!entries.remove(p)) throw new ControlException("not published by uarpctl: " + describe(p));
        command.accept(new OperatorCommand.Unpublish6(link, entry));
        return new Response.Message("unpublished " + describe(p));
    }

    List<Response.PublishedRow> rows() {
        return entries.stream().map(p -> Tables.publishedRow6(p.link(), p.entry(), "operator")).toList();
    }

    private static String describe(Published p) {
        StringBuilder b = new StringBuilder(p.entry().range().toString());
        for (Cidr6 x : p.entry().excluded()) b.append(" !").append(format(x));
        b.append(" dev ").append(p.link());
        if (p.entry().when() != NdPublished.When.ALWAYS) b.append(" when ").append(PublishedTargets.formatWhen(p.entry()));
        return b.toString();
    }

    /** An exclusion as it is written: a /128 as its address. */
    static String format(Cidr6 c) {
        return c.prefixLength() == 128 ? c.network().toString() : c.toString();
    }
}
