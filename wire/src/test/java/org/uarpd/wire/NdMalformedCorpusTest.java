package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.uarpd.wire.MalformedCorpusTest.Case;
import org.uarpd.wire.MalformedCorpusTest.Decoder;
import org.uarpd.wire.nd.NdCodec;
import org.uarpd.wire.nd.NdFixtures;
import org.uarpd.wire.nd.NdView;

/**
 * Every case of {@code nd-malformed-frames.txt} is rejected with exactly the reason and offset
 * written next to it, by the record codec and the zero-copy view alike, and offsets follow the
 * packet when it sits further into a buffer.
 */
class NdMalformedCorpusTest {

    static List<Case> cases() throws IOException {
        return MalformedCorpusTest.cases(NdMalformedCorpusTest.class, "nd-malformed-frames.txt");
    }

    static List<Case> packetCases() throws IOException {
        return cases().stream().filter(c -> c.decoder().equals("nd")).toList();
    }

    static Decoder decoder(String name, byte[] buf, int shift, int length) {
        return switch (name) {
            case "nd" -> b -> NdCodec.decode(buf, shift, length);
            case "nd-view" -> b -> new NdView().reset(buf, shift, length);
            case "nd-view-ethernet" -> b -> new NdView().resetEthernet(buf, shift, length);
            default -> throw new IllegalArgumentException("unknown decoder in corpus: " + name);
        };
    }

    @org.junit.jupiter.api.Test
    void corpusCoversEveryKindOfFault() throws IOException {
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(30);
        assertThat(cases()).extracting(Case::reason).anyMatch(r -> r.startsWith("IPv6 header truncated"))
                .anyMatch(r -> r.startsWith("ICMPv6 header truncated")).anyMatch(r -> r.contains("has length 0"))
                .anyMatch(r -> r.contains("needs")).anyMatch(r -> r.startsWith("ICMPv6 checksum"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithTheExpectedReasonAndOffset(Case c) {
        MalformedCorpusTest.expectError(c, decoder(c.decoder(), c.bytes(), 0, c.bytes().length), c.bytes(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packetCases")
    void viewAgreesWithRecordCodec(Case c) {
        MalformedCorpusTest.expectError(c, decoder("nd-view", c.bytes(), 0, c.bytes().length), c.bytes(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void offsetsFollowThePacketIntoALargerBuffer(Case c) {
        int shift = 7;
        byte[] bigger = new byte[c.bytes().length + shift + 5];
        System.arraycopy(c.bytes(), 0, bigger, shift, c.bytes().length);
        MalformedCorpusTest.expectError(c, decoder(c.decoder(), bigger, shift, c.bytes().length), bigger, shift);
    }

    /** A failed reset leaves a bound view on the packet it had. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("packetCases")
    void aRejectedPacketLeavesTheViewAsItWas(Case c) throws Exception {
        byte[] good = NdFixtures.solicitation();
        NdView v = new NdView();
        assertThat(v.reset(good, 0, good.length)).isTrue();
        long target = v.targetLow();
        int sll = v.sourceLinkLayerOffset();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.reset(c.bytes(), 0, c.bytes().length))
                .isInstanceOf(MalformedFrameException.class);
        assertThat(v.buffer()).isSameAs(good);
        assertThat(v.targetLow()).isEqualTo(target);
        assertThat(v.sourceLinkLayerOffset()).isEqualTo(sll);
    }
}
