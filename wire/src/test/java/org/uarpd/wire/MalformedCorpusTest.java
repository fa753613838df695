package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code malformed-frames.txt} must be rejected by its decoder with exactly the
 * reason and offset written next to it — and with nothing but {@link MalformedFrameException}.
 */
class MalformedCorpusTest {

    record Case(int line, String decoder, byte[] bytes, int offset, String reason) {
        @Override
        public String toString() {
            return "line " + line + " " + decoder + ": " + reason;
        }
    }

    interface Decoder {
        void decode(byte[] b) throws MalformedFrameException;
    }

    static List<Case> cases() throws IOException {
        return cases(MalformedCorpusTest.class, "malformed-frames.txt");
    }

    /** The cases of a corpus resource in this format, found next to {@code owner}. */
    static List<Case> cases(Class<?> owner, String resource) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            assertThat(in).as("corpus resource").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            java.util.ArrayList<Case> out = new java.util.ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                String[] f = l.split("\\|", -1);
                if (f.length != 4) throw new IllegalStateException("corpus line " + (i + 1) + " has " + f.length + " fields");
                String hex = f[1].replace(" ", "").strip();
                byte[] bytes = hex.equals("-") ? new byte[0] : HexFormat.of().parseHex(hex);
                out.add(new Case(i + 1, f[0].strip(), bytes, Integer.parseInt(f[2].strip()), f[3].strip()));
            }
            return out;
        }
    }

    static Decoder decoder(String name) {
        return switch (name) {
            case "arp" -> b -> ArpCodec.decode(b, 0, b.length);
            case "arp-exact" -> b -> ArpCodec.decodeExact(b, 0, b.length);
            case "atmarp" -> b -> AtmArpCodec.decode(b, 0, b.length);
            case "atmarp-exact" -> b -> AtmArpCodec.decodeExact(b, 0, b.length);
            case "family" -> b -> ArpFamilyCodec.decode(b, 0, b.length);
            case "family-exact" -> b -> ArpFamilyCodec.decodeExact(b, 0, b.length);
            case "view" -> b -> new ArpView().reset(b, 0, b.length);
            case "view-exact" -> b -> new ArpView().resetExact(b, 0, b.length);
            case "view-ethernet" -> b -> new ArpView().resetEthernet(b, 0, b.length);
            default -> throw new IllegalArgumentException("unknown decoder in corpus: " + name);
        };
    }

    @Test
    void corpusHasAtLeastThirtyCases() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(30);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithTheExpectedReasonAndOffset(Case c) {
        expectError(c, decoder(c.decoder()), c.bytes(), 0);
    }

    /** The zero-copy view and the record codec share their checks: same bytes, same error. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc826Cases")
    void viewAgreesWithRecordCodec(Case c) {
        expectError(c, decoder(c.decoder().equals("arp") ? "view" : "view-exact"), c.bytes(), 0);
    }

    static List<Case> rfc826Cases() throws IOException {
        return cases().stream().filter(c -> c.decoder().equals("arp") || c.decoder().equals("arp-exact")).toList();
    }

    /** Offsets count from the start of the buffer, so a packet further in reports them shifted. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void offsetsFollowThePacketIntoALargerBuffer(Case c) {
        int shift = 5;
        byte[] bigger = new byte[c.bytes().length + shift + 3];
        System.arraycopy(c.bytes(), 0, bigger, shift, c.bytes().length);
        Decoder shifted = switch (c.decoder()) {
            case "arp" -> b -> ArpCodec.decode(bigger, shift, c.bytes().length);
            case "arp-exact" -> b -> ArpCodec.decodeExact(bigger, shift, c.bytes().length);
            case "atmarp" -> b -> AtmArpCodec.decode(bigger, shift, c.bytes().length);
            case "atmarp-exact" -> b -> AtmArpCodec.decodeExact(bigger, shift, c.bytes().length);
            case "family" -> b -> ArpFamilyCodec.decode(bigger, shift, c.bytes().length);
            case "family-exact" -> b -> ArpFamilyCodec.decodeExact(bigger, shift, c.bytes().length);
            case "view-ethernet" -> b -> new ArpView().resetEthernet(bigger, shift, c.bytes().length);
            default -> throw new IllegalArgumentException("no shifted form for decoder " + c.decoder());
        };
        expectError(c, shifted, bigger, shift);
    }

    static void expectError(Case c, Decoder d, byte[] input, int shift) {
        MalformedFrameException e = catchThrowableOfType(MalformedFrameException.class, () -> d.decode(input));
        assertThat(e).as("%s must be rejected", c).isNotNull();
        assertThat(e.reason()).as("reason of %s", c).isEqualTo(c.reason());
        assertThat(e.offset()).as("offset of %s", c).isEqualTo(c.offset() + shift);
        assertThat(e.getMessage()).isEqualTo(c.reason() + " at offset " + (c.offset() + shift));
    }
}
