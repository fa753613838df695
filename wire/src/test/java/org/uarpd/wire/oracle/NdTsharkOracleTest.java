package org.uarpd.wire.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.link.LinuxCooked;
import org.uarpd.wire.nd.NdOption;
import org.uarpd.wire.nd.NdPacket;
import org.uarpd.wire.oracle.NdOracleFrames.Sent;
import org.uarpd.wire.pcap.PcapNgWriter;
import org.uarpd.wire.pcap.PcapWriter;
import org.uarpd.wire.pcap.TimestampResolution;

/**
 * Neighbour solicitations and advertisements uarpd encodes, written to pcap and pcapng and dissected
 * by Wireshark: each must come out unflagged, with a checksum Wireshark calls good, and with the
 * type, addresses, hop limit, flags, target and options that were encoded.
 */
class NdTsharkOracleTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final List<String> FIELDS = List.of("frame.protocols", "ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.type",
            "icmpv6.code", "icmpv6.checksum", "icmpv6.checksum.status", "icmpv6.nd.ns.target_address",
            "icmpv6.nd.na.target_address", "icmpv6.nd.na.flag.r", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
            "icmpv6.opt.type", "icmpv6.opt.length", "icmpv6.opt.linkaddr", "icmpv6.opt.nonce", "_ws.malformed",
            "_ws.expert.severity", "icmpv6.opt.linkaddr_eui64");

    @Test
    void tsharkReadsOurNsAndNaFromPcap(@TempDir Path dir) throws Exception {
        List<Sent> sent = NdOracleFrames.build(60);
        List<Sent> ethernet = sent.stream().filter(s -> s.link() == Ethernet.INSTANCE).toList();
        List<Sent> cooked = sent.stream().filter(s -> s.link() == LinuxCooked.INSTANCE).toList();
        for (List<Sent> part : List.of(ethernet, cooked)) {
            LinkType link = part.get(0).link();
            Path file = dir.resolve(link.name() + ".pcap");
            try (PcapWriter w = PcapWriter.create(file, link, TimestampResolution.MICROS)) {
                for (int i = 0; i < part.size(); i++) w.write(T0 + i * 1000L, part.get(i).frame());
            }
            check(file, part);
        }
    }

    @Test
    void tsharkReadsOurNsAndNaFromOnePcapng(@TempDir Path dir) throws Exception {
        List<Sent> sent = NdOracleFrames.build(30);
        Path file = dir.resolve("nd.pcapng");
        try (PcapNgWriter w = PcapNgWriter.create(file)) {
            int eth = w.addInterface(Ethernet.INSTANCE.pcapLinkType(), "uarpd-ethernet", TimestampResolution.NANOS);
            int sll = w.addInterface(LinuxCooked.INSTANCE.pcapLinkType(), "uarpd-cooked", TimestampResolution.NANOS);
            for (int i = 0; i < sent.size(); i++) {
                w.write(sent.get(i).link() == Ethernet.INSTANCE ? eth : sll, T0 + i, sent.get(i).frame(), "uarpd nd " + i);
            }
        }
        check(file, sent);
    }

    private static void check(Path file, List<Sent> sent) {
        List<String> cmd = new ArrayList<>(List.of(ExternalTool.tshark().toString(), "-n", "-r", file.toString(), "-T", "fields",
                "-E", "occurrence=a", "-E", "aggregator=|", "-E", "separator=/t"));
        for (String f : FIELDS) cmd.addAll(List.of("-e", f));
        ExternalTool.Result r = ExternalTool.run(cmd, 120);
        if (r.exit() != 0) fail("tshark failed on " + file + ": " + r.stderr());
        String[] lines = r.stdout().split("\n");
        assertThat(lines).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            String[] f = lines[i].split("\t", -1);
            assertThat(f).hasSize(FIELDS.size());
            NdPacket p = sent.get(i).packet();
            String what = file.getFileName() + " frame " + (i + 1) + " " + p.describe(6);
            assertThat(f[0]).as("%s protocols", what).endsWith("ipv6:icmpv6");
            assertThat(f[17]).as("%s malformed", what).isEmpty();
            assertThat(f[18]).as("%s expert severities", what).doesNotContain(TsharkJson.SEVERITY_ERROR);
            assertThat(Ip6Address.parse(f[1])).as("%s source", what).isEqualTo(p.source());
            assertThat(Ip6Address.parse(f[2])).as("%s destination", what).isEqualTo(p.destination());
            assertThat(f[3]).as("%s hop limit", what).isEqualTo("255");
            assertThat(f[4]).as("%s type", what).isEqualTo(Integer.toString(p.type().value()));
            assertThat(f[5]).as("%s code", what).isEqualTo("0");
            assertThat(f[7]).as("%s checksum status (1 = good)", what).isEqualTo("1");
            String target = p.isSolicitation() ? f[8] : f[9];
            assertThat(Ip6Address.parse(target)).as("%s target", what).isEqualTo(p.target());
            if (p.isAdvertisement()) {
                assertThat(f[10] + f[11] + f[12]).as("%s R S O", what)
                        .isEqualTo((p.router() ? "1" : "0") + (p.solicited() ? "1" : "0") + (p.override() ? "1" : "0"));
            }
            List<String> types = new ArrayList<>();
            List<String> units = new ArrayList<>();
            List<String> linkAddresses = new ArrayList<>();
            List<String> eui64 = new ArrayList<>();
            List<String> nonces = new ArrayList<>();
            for (NdOption o : p.options()) {
                types.add(Integer.toString(o.type().value()));
                units.add(Integer.toString(o.units()));
                byte[] body = o.body();
                int t = o.type().value();
                if (t == 1 || t == 2) {
                    // Wireshark shows a 6-byte body as a MAC address, a 14-byte one padded after 8 bytes as
                    // an EUI-64 (the 802.15.4 form of RFC 4944 §8) and any other as its hex bytes.
                    if (body.length == 14 && java.util.Arrays.equals(body, 8, 14, new byte[6], 0, 6)) eui64.add(o.linkLayerAddress(8).toString());
                    else linkAddresses.add(body.length == 6 ? o.linkLayerAddress(6).toString() : HexFormat.of().formatHex(body));
                }
                if (t == 14) nonces.add(HexFormat.of().formatHex(body));
            }
            assertThat(f[13]).as("%s option types", what).isEqualTo(String.join("|", types));
            assertThat(f[14]).as("%s option lengths", what).isEqualTo(String.join("|", units));
            assertThat(f[15]).as("%s link-layer addresses", what).isEqualTo(String.join("|", linkAddresses));
            assertThat(f[16]).as("%s nonces", what).isEqualTo(String.join("|", nonces));
            assertThat(f[19]).as("%s EUI-64 link-layer addresses", what).isEqualTo(String.join("|", eui64));
        }
    }
}
