package org.uarpd.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.uarpd.wire.ArpFamilyPacket;
import org.uarpd.wire.AtmArpPacket;
import org.uarpd.wire.EtherType;
import org.uarpd.wire.Frame;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.MalformedFrameException;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.ProtocolAddress;
import org.uarpd.wire.link.CookedHeader;
import org.uarpd.wire.link.LlcSnap;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdOptionType;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.nd.NdViolation;
import org.uarpd.wire.pcap.CaptureReader;
import org.uarpd.wire.pcap.CaptureRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code uarpd decode FILE [-j]}: prints each ARP-family frame and each IPv6 neighbour solicitation
 * or advertisement of a pcap or pcapng file as one line (or one JSON object), lists other frames as such, reports malformed ones and goes on, and ends
 * with a summary on stderr.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Print the ARP-family frames (ARP, RARP, InARP, NAK, ATMARP) and IPv6 neighbour",
                "solicitations and advertisements (RFC 4861) of a pcap or pcapng file.",
                "Link types: 1 Ethernet/802.3, 6 Token Ring, 7 ARCnet, 10 FDDI,",
                "11 ATM LLC/SNAP, 113 Linux cooked IPoIB, 129 ARCnet (Linux)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file was read to its end (malformed frames are reported, not fatal)",
                "1:the file could not be read or is not a well-formed capture",
                "2:usage error"})
public final class DecodeCommand implements Callable<Integer> {
    /**
     * Jackson's mapper, made at first use: picocli instantiates every subcommand to build its model,
     * and a mapper made with this class would cost every {@code uarpd run} a few hundred class loads.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "pcap or pcapng file")
    Path file;

    @Option(names = {"-j", "--json"}, description = "one JSON object per frame instead of a line of text")
    boolean json;

    /** Frame counts for the summary line. */
    private long arp, nd, other, malformed, unsupported;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = Main.EXIT_OK;
        try (CaptureReader reader = CaptureReader.open(file)) {
            for (CaptureRecord rec; (rec = reader.next()) != null; ) {
                DecodedFrame decoded = CaptureDecoder.decode(rec);
                count(decoded);
                out.println(json ? toJson(decoded) : toLine(decoded));
            }
        } catch (NoSuchFileException e) {
            err.println("uarpd decode: " + file + ": no such file");
            return Main.EXIT_FAILED;
        } catch (IOException e) {
            err.println("uarpd decode: cannot read " + file + ": " + e.getMessage());
            exit = Main.EXIT_FAILED;
        } catch (MalformedFrameException e) {
            err.println("uarpd decode: " + file + " is not a well-formed capture: " + e.reason() + " at file offset " + e.offset());
            exit = Main.EXIT_FAILED;
        }
        out.flush();
        err.println("uarpd decode: " + file + ": " + (arp + nd + other + malformed + unsupported) + " frames: " + arp + " ARP-family, "
                + nd + " ND, " + other + " other, " + malformed + " malformed, " + unsupported + " of unsupported link types");
        err.flush();
        return exit;
    }

    private void count(DecodedFrame d) {
        switch (d) {
            case DecodedFrame.Arp a -> arp++;
            case DecodedFrame.Nd n -> nd++;
            case DecodedFrame.Other o -> other++;
            case DecodedFrame.Malformed m -> malformed++;
            case DecodedFrame.UnsupportedLink u -> unsupported++;
        }
    }

    // ---- text -------------------------------------------------------------------------------

    static String toLine(DecodedFrame d) {
        CaptureRecord rec = d.record();
        StringBuilder line = new StringBuilder(String.format("%4d %s ", rec.number(), time(rec)));
        switch (d) {
            case DecodedFrame.Arp a -> line.append(a.link().name()).append(addresses(a.frame()))
                    .append(' ').append(family(a.frame(), a.packet())).append(' ').append(a.packet().opcode()).append(": ")
                    .append(a.packet().describe()).append(tag(a.packet()))
                    .append(", hw ").append(a.packet().hardwareType()).append('/').append(a.packet().senderHardware().length());
            case DecodedFrame.Nd n -> line.append(n.link().name()).append(addresses(n.frame())).append(" ND ")
                    .append(n.packet().describe(linkAddressLength(n)))
                    .append(n.violations().isEmpty() ? "" : " [invalid: " + reasons(n.violations()) + "]");
            case DecodedFrame.Other o -> line.append(o.link().name()).append(addresses(o.frame()))
                    .append(" not ARP: protocol ").append(protocolText(o.frame())).append(", ").append(rec.data().length).append(" bytes");
            case DecodedFrame.Malformed m -> line.append(m.link().name()).append(" malformed: ").append(m.error().getMessage())
                    .append(truncation(rec));
            case DecodedFrame.UnsupportedLink u -> line.append("linktype ").append(rec.pcapLinkType())
                    .append(" not supported, ").append(rec.data().length).append(" bytes");
        }
        return line.toString();
    }

    /** Link-layer addresses in ND options are as long as the link's own (RFC 4861 §4.6.1). */
    private static int linkAddressLength(DecodedFrame.Nd n) {
        return n.link().addressLength();
    }

    private static String reasons(java.util.Set<NdViolation> violations) {
        return String.join("; ", violations.stream().map(NdViolation::reason).toList());
    }

    private static String time(CaptureRecord rec) {
        return rec.hasTimestamp() ? Instant.ofEpochSecond(0, rec.timestampNanos()).toString() : "-";
    }

    /** " src > dst", or nothing where the framing has no addresses (ATM virtual circuits). */
    private static String addresses(Frame f) {
        if (f.source().length() == 0 && f.destination().length() == 0) return "";
        return " " + text(f.source(), "?") + " > " + text(f.destination(), "?");
    }

    private static String text(HardwareAddress a, String absent) {
        return a.length() == 0 ? absent : a.toString();
    }

    private static String family(Frame f, ArpFamilyPacket p) {
        if (p instanceof AtmArpPacket) return "ATMARP";
        return f.protocol() == EtherType.RARP ? "RARP" : "ARP";
    }

    /** RFC 5227 words for the requests a host sends about its own address. */
    private static String tag(ArpFamilyPacket p) {
        if (p instanceof AtmArpPacket || p.senderProtocol().length() == 0) return "";
        boolean request = p.opcode().equals(Opcode.REQUEST);
        if (!request && !p.opcode().equals(Opcode.REPLY)) return "";
        if (p.senderProtocol().equals(p.targetProtocol())) return " (gratuitous)";
        if (request && isZero(p.senderProtocol())) return " (probe)";
        return "";
    }

    private static boolean isZero(ProtocolAddress a) {
        for (byte b : a.toByteArray()) if (b != 0) return false;
        return true;
    }

    private static String truncation(CaptureRecord rec) {
        return rec.data().length < rec.originalLength()
                ? " (only " + rec.data().length + " of " + rec.originalLength() + " bytes were captured)" : "";
    }

    /**
     * The EtherType as {@code 0x0800}; for frames without one, the 802.2 SAPs ({@code 802.2 LLC
     * dsap 0x42 ssap 0x42}) or Linux's cooked-capture pseudo-protocol ({@code linux 0x0001}).
     */
    static String protocolText(Frame f) {
        if (f.protocol() != LlcSnap.NOT_ETHERTYPE) return hex16(f.protocol());
        if (f.extras() instanceof CookedHeader h && h.protocol() != CookedHeader.PROTOCOL_802_2) {
            return "linux " + hex16(h.protocol());
        }
        byte[] b = f.buffer();
        int p = f.payloadOffset();
        return f.payloadLength() >= 2 ? String.format("802.2 LLC dsap 0x%02x ssap 0x%02x", b[p] & 0xFF, b[p + 1] & 0xFF) : "802.2 LLC";
    }

    private static String hex16(int v) {
        return String.format("0x%04x", v);
    }

    // ---- JSON -------------------------------------------------------------------------------

    static String toJson(DecodedFrame d) {
        CaptureRecord rec = d.record();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("frame", rec.number());
        if (rec.hasTimestamp()) o.put("time", time(rec)); else o.putNull("time");
        o.put("linktype", rec.pcapLinkType());
        o.put("length", rec.data().length);
        switch (d) {
            case DecodedFrame.Arp a -> {
                o.put("link", a.link().name());
                o.put("kind", "arp");
                putAddresses(o, a.frame());
                ArpFamilyPacket p = a.packet();
                o.put("family", family(a.frame(), p));
                o.put("htype", p.hardwareType().value());
                o.put("ptype", hex16(p.protocolType()));
                o.put("op", p.opcode().value());
                o.put("opname", p.opcode().toString());
                o.put("sha", p.senderHardware().toString());
                o.put("spa", p.senderProtocol().toString());
                o.put("tha", p.targetHardware().toString());
                o.put("tpa", p.targetProtocol().toString());
                if (p instanceof AtmArpPacket atm) {
                    o.put("ssa", atm.senderAtmSubaddress().toString());
                    o.put("tsa", atm.targetAtmSubaddress().toString());
                    o.put("sha_text", atm.senderAtmNumber().toString());
                    o.put("tha_text", atm.targetAtmNumber().toString());
                }
                o.put("summary", p.describe() + tag(p));
            }
            case DecodedFrame.Nd n -> putNd(o, n);
            case DecodedFrame.Other x -> {
                o.put("link", x.link().name());
                o.put("kind", "other");
                putAddresses(o, x.frame());
                o.put("protocol", protocolText(x.frame()));
            }
            case DecodedFrame.Malformed m -> {
                o.put("link", m.link().name());
                o.put("kind", "malformed");
                o.put("error", m.error().reason() + truncation(rec));
                o.put("offset", m.error().offset());
            }
            case DecodedFrame.UnsupportedLink u -> o.put("kind", "unsupported-linktype");
        }
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for frame " + rec.number(), e);
        }
    }

    /** The fields of an NS or NA; link-layer options are cut to the link's address length where they hold one. */
    private static void putNd(ObjectNode o, DecodedFrame.Nd n) {
        NdPacket p = n.packet();
        o.put("link", n.link().name());
        o.put("kind", "nd");
        putAddresses(o, n.frame());
        o.put("src_ip", p.source().toString());
        o.put("dst_ip", p.destination().toString());
        o.put("hop_limit", p.hopLimit());
        o.put("type", p.type().value());
        o.put("typename", p.type().toString());
        o.put("code", p.code());
        o.put("target", p.target().toString());
        ObjectNode flags = o.putObject("flags");
        flags.put("R", p.router());
        flags.put("S", p.solicited());
        flags.put("O", p.override());
        int len = linkAddressLength(n);
        putOption(o, "sll", p.option(NdOptionType.SOURCE_LINK_LAYER), len);
        putOption(o, "tll", p.option(NdOptionType.TARGET_LINK_LAYER), len);
        putOption(o, "nonce", p.option(NdOptionType.NONCE), 0);
        var options = o.putArray("options");
        for (NdOption x : p.options()) options.addObject().put("type", x.type().value()).put("name", x.type().toString())
                .put("body", java.util.HexFormat.of().formatHex(x.body()));
        o.put("checksum", hex16(NdCodec.checksum(p)));
        // Decoding verifies the checksum: a frame with a wrong one is reported as malformed instead.
        o.put("checksum_ok", true);
        var invalid = o.putArray("violations");
        for (NdViolation v : n.violations()) invalid.add(v.name().toLowerCase(java.util.Locale.ROOT));
        o.put("summary", p.describe(len));
    }

    /** A link-layer option's address ({@code addressLength} bytes when they fit), or a nonce's hex; null when absent. */
    private static void putOption(ObjectNode o, String name, java.util.Optional<NdOption> option, int addressLength) {
        if (option.isEmpty()) {
            o.putNull(name);
            return;
        }
        byte[] body = option.get().body();
        o.put(name, addressLength > 0 && addressLength <= body.length
                ? option.get().linkLayerAddress(addressLength).toString() : java.util.HexFormat.of().formatHex(body));
    }

    private static void putAddresses(ObjectNode o, Frame f) {
        o.put("src", f.source().toString());
        o.put("dst", f.destination().toString());
    }
}
