package org.uarpd.linux;

import java.util.function.IntFunction;
import org.uarpd.engine.EngineEvent;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.EthernetHeader;

/**
 * The backend's readable lines: formatted only when the {@link EventLog} wants them, so a quiet
 * daemon pays nothing on the packet path.
 */
final class LogLines {
    private LogLines() {}

    static void note(EventLog log, String format, Object... args) {
        if (log.enabled()) log.line(System.nanoTime(), String.format(format, args));
    }

    /** A line about one packet, miss or install: logged only when {@link EventLog#packets()} asks for them. */
    static void packet(EventLog log, String format, Object... args) {
        if (log.packets()) log.packet(System.nanoTime(), String.format(format, args));
    }

    /** "ARP request who-has 192.0.2.2 tell 192.0.2.1 (aa:bb:…)" and the like. */
    static String describe(byte[] buf, int off, int len) {
        if (len < EthernetHeader.HEADER) return len + "-byte runt frame";
        try {
            int type = EthernetHeader.etherType(buf, off, len);
            if (type == NdFilter.ETH_P_IPV6) {
                return org.uarpd.wire.nd.NdCodec.decode(buf, off + EthernetHeader.HEADER, len - EthernetHeader.HEADER)
                        .map(p -> p.describe(6)).orElse("IPv6, not a neighbour solicitation or advertisement");
            }
            ArpPacket p = ArpCodec.decode(buf, off + EthernetHeader.HEADER, len - EthernetHeader.HEADER);
            String kind = type == PacketSocket.ETH_P_RARP ? "RARP" : "ARP";
            // ArpPacket words the operation; "request" and "reply" are named for the log's readers.
            boolean named = p.opcode().equals(Opcode.REQUEST) || p.opcode().equals(Opcode.REPLY);
            return kind + " " + (named ? p.opcode() + " " : "") + p.describe();
        } catch (MalformedFrameException e) {
            return "malformed frame (" + e.getMessage() + ")";
        }
    }

    /** "resolved 192.0.2.2 at 02:… on u0 (reply, 0.210 ms)" and the like; {@code names} turns an ifindex into a name. */
    static String describe(EngineEvent ev, IntFunction<String> names) {
        StringBuilder b = new StringBuilder(ev.kind().name().toLowerCase());
        if (ev.address6() != null) b.append(' ').append(ev.address6());
        else if (ev.address() != 0) b.append(' ').append(Ip4.format(ev.address()));
        if (ev.hardware() != null) b.append(" at ").append(ev.hardware());
        if (ev.link() != 0) b.append(" on ").append(names.apply(ev.link()));
        if (ev.state() != null) b.append(" now ").append(ev.state());
        b.append(" (").append(ev.reason().name().toLowerCase().replace('_', ' '));
        if (ev.latencyNanos() > 0) b.append(String.format(", %.3f ms", ev.latencyNanos() / 1e6));
        if (ev.detail() != null) b.append(": ").append(ev.detail());
        return b.append(')').toString();
    }
}
