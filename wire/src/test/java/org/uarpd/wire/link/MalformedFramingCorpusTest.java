package org.uarpd.wire.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.uarpd.wire.LinkType;
import org.uarpd.wire.MalformedFrameException;

/** Broken frames of every framing, each with the reason and offset its decoder must report. */
class MalformedFramingCorpusTest {
    private static final String MAC_PAIR = "ffffffffffff 02005e100001";

    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("ethernet: 13-byte header", Ethernet.INSTANCE, "ffffffffffff02005e10000108", "Ethernet header truncated", 13),
                bad("ethernet: type/length 0x05ff in the gap", Ethernet.INSTANCE, MAC_PAIR + "05ff 0001", "neither an 802.3 length", 12),
                bad("ethernet: 802.1Q tag cut short", Ethernet.INSTANCE, MAC_PAIR + "8100 00", "802.1Q tagged Ethernet header truncated", 15),
                bad("802.3: length field past the frame", Ieee8023.INSTANCE, MAC_PAIR + "0040 aaaa0300000008 06", "overruns", 12),
                bad("802.3: length over 1500", Ieee8023.INSTANCE, MAC_PAIR + "05dd aaaa030000000806", "exceeds 1500", 12),
                bad("802.3 via ethernet: SNAP DSAP with SSAP 0x42", Ethernet.INSTANCE, MAC_PAIR + "0008 aa42030000000806", "with SSAP 0x42", 15),
                bad("802.3: control not UI", Ieee8023.INSTANCE, MAC_PAIR + "0008 aaaa130000000806", "LLC control 0x13: SNAP frames are UI", 16),
                bad("802.3: SNAP cut by the length field", Ieee8023.INSTANCE, MAC_PAIR + "0005 aaaa030000000806", "SNAP header truncated", 19),
                bad("token ring: header truncated", TokenRing.INSTANCE, "1040ffffffffffff02005e", "Token Ring header truncated", 11),
                bad("token ring: MAC frame", TokenRing.INSTANCE, "1000 " + MAC_PAIR + "aaaa030000000806", "not an LLC frame", 1),
                bad("token ring: RIF length overrun", TokenRing.INSTANCE, "1040 ffffffffffff 82005e100001 0a80 0125", "RIF length 10 overruns", 14),
                bad("token ring: odd RIF length", TokenRing.INSTANCE, "1040 ffffffffffff 82005e100001 0380 01 aaaa030000000806", "not an even number", 14),
                bad("token ring: route control cut", TokenRing.INSTANCE, "1040 ffffffffffff 82005e100001 02", "route control field truncated", 15),
                bad("token ring: LLC after RIF truncated", TokenRing.INSTANCE, "1040 ffffffffffff 82005e100001 0280 aaaa03", "SNAP header truncated", 19),
                bad("fddi: FC of a MAC frame", Fddi.INSTANCE, "c0 " + MAC_PAIR + "aaaa030000000806", "not an LLC frame", 0),
                bad("fddi: LLC truncated", Fddi.INSTANCE, "50 " + MAC_PAIR + "aaaa0300", "SNAP header truncated", 17),
                bad("arcnet: unknown protocol ID", Arcnet.BSD, "0100 f1 000000", "unknown ARCnet protocol ID 0xf1", 2),
                bad("arcnet: split/sequence truncated", Arcnet.BSD, "0100 d5 00", "split flag and sequence truncated", 4),
                bad("arcnet: exception packet with another protocol copy", Arcnet.BSD, "0100 d5 ff ffff d4 00 0000", "repeats protocol ID 0xd4", 6),
                bad("arcnet-linux: offset field cut", Arcnet.LINUX, "0100ee", "ARCnet header truncated", 3),
                bad("arcnet-linux: unknown protocol ID", Arcnet.LINUX, "0100 ee00 ee 000000", "unknown ARCnet protocol ID 0xee", 4),
                bad("atm: LLC header truncated", AtmLlcSnap.INSTANCE, "aaaa", "LLC header truncated", 2),
                bad("atm: SNAP with an I-format control", AtmLlcSnap.INSTANCE, "aaaa00 000000 0806", "LLC control 0x00", 2),
                bad("ipoib: SLL header truncated", Ipoib.INSTANCE, "00010020000000", "Linux cooked (SLL) header truncated", 7),
                bad("ipoib: hatype Ethernet", Ipoib.INSTANCE, "0001 0001 0006 02005e1000010000 0806", "SLL hatype 1 is not ARPHRD_INFINIBAND", 2),
                bad("ipoib: halen 9", Ipoib.INSTANCE, "0001 0020 0009 0000000000000000 0806", "SLL halen 9", 4),
                bad("ipoib: packet type 7", Ipoib.INSTANCE, "0007 0020 0000 0000000000000000 0806", "SLL packet type 7", 0),
                bad("linux-cooked: halen 9 on Ethernet", LinuxCooked.INSTANCE, "0000 0001 0009 02005e1000010000 0806", "SLL halen 9 exceeds", 4),
                bad("linux-cooked: header truncated", LinuxCooked.INSTANCE, "0000000100060200", "Linux cooked (SLL) header truncated", 8),
                bad("linux-cooked: 802.2 frame with SNAP cut", LinuxCooked.INSTANCE, "0000 0001 0006 02005e1000010000 0004 aaaa03", "SNAP header truncated", 19),
                bad("ipoib: protocol is an 802.2 marker", Ipoib.INSTANCE, "0000 0020 0000 0000000000000000 0004", "SLL protocol 0x0004", 14));
    }

    private static Arguments bad(String name, LinkType link, String hex, String reason, int offset) {
        return Arguments.of(name, link, HexFormat.of().parseHex(hex.replace(" ", "")), reason, offset);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void rejectsWithReasonAndOffset(String name, LinkType link, byte[] frame, String reason, int offset) {
        assertThatThrownBy(() -> link.decode(frame, 0, frame.length))
                .isInstanceOfSatisfying(MalformedFrameException.class, e -> {
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.offset()).as("offset for %s (%s)", name, e.getMessage()).isEqualTo(offset);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void reportsTheSameErrorInsideALargerBuffer(String name, LinkType link, byte[] frame, String reason, int offset) {
        // Offsets are relative to the buffer handed in: a frame at position 5 reports 5 more.
        byte[] padded = new byte[frame.length + 9];
        System.arraycopy(frame, 0, padded, 5, frame.length);
        assertThatThrownBy(() -> link.decode(padded, 5, frame.length))
                .isInstanceOfSatisfying(MalformedFrameException.class, e -> {
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.offset()).isEqualTo(offset + 5);
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void windowPastTheBufferIsMalformedNotAnIndexError(String name, LinkType link, byte[] frame, String reason, int offset) {
        assertThatThrownBy(() -> link.decode(frame, 2, frame.length))
                .isInstanceOfSatisfying(MalformedFrameException.class, e -> assertThat(e.reason()).contains("overruns a buffer"));
    }
}
