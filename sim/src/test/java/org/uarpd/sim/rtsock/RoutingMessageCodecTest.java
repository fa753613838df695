package org.uarpd.sim.rtsock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.NeighborState;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;
import org.uarpd.wire.MalformedFrameException;

class RoutingMessageCodecTest {

    @Property
    void everyMessageSurvivesARoundTrip(@ForAll("messages") RoutingMessage m) throws MalformedFrameException {
        byte[] bytes = RoutingMessageCodec.encode(m);
        assertThat(bytes.length % 4).isZero();
        assertThat(RoutingMessageCodec.decode(bytes)).isEqualTo(m);
    }

    @Property
    void arbitraryBytesDecodeOrRaiseTheOneTypedError(@ForAll byte[] junk) {
        try {
            RoutingMessageCodec.decode(junk);
        } catch (MalformedFrameException expected) {
            assertThat(expected.reason()).isNotBlank();
        }
    }

    @Property
    void corruptedMessagesDecodeOrRaiseTheOneTypedError(@ForAll("messages") RoutingMessage m, @ForAll int position, @ForAll byte value) {
        byte[] b = RoutingMessageCodec.encode(m);
        b[Math.floorMod(position, b.length)] = value;
        try {
            RoutingMessageCodec.decode(b);
        } catch (MalformedFrameException expected) {
            assertThat(expected.offset()).isBetween(0, b.length);
        }
    }

    @Test
    void rtmAddCarriesTheHardwareAddressInASockaddrDl() throws MalformedFrameException {
        HardwareAddress mac = HardwareAddress.parse("02:00:00:00:00:02");
        RoutingMessage add = new RoutingMessage(Rtm.ADD, 1, Rtm.RTF_UP | Rtm.RTF_HOST | Rtm.RTF_LLINFO, 101, 7, 0, 0, 0, 0,
                NeighborState.REACHABLE, new Sockaddr.In(Ip4.parse("192.0.2.2")), new Sockaddr.Dl(1, Rtm.IFT_ETHER, "", mac),
                null, null, null);
        byte[] b = RoutingMessageCodec.encode(add);
        // header, sockaddr_in (16), sockaddr_dl (max(20, 8 + 6) = 20)
        assertThat(b).hasSize(RoutingMessageCodec.HEADER + 16 + 20);
        assertThat(b[3]).isEqualTo((byte) Rtm.ADD);
        assertThat(RoutingMessageCodec.i32(b, 12)).isEqualTo(Rtm.RTA_DST | Rtm.RTA_GATEWAY);
        int dl = RoutingMessageCodec.HEADER + 16;
        assertThat(b[dl + 1]).isEqualTo((byte) Rtm.AF_LINK);
        assertThat(b[dl + 6]).isEqualTo((byte) 6);
        assertThat(HardwareAddress.of(b, dl + 8, 6)).isEqualTo(mac);
    }

    @Test
    void ipoibAddressesOfTwentyBytesFit() throws MalformedFrameException {
        byte[] gid = new byte[20];
        for (int i = 0; i < 20; i++) gid[i] = (byte) (i + 1);
        RoutingMessage m = new RoutingMessage(Rtm.IFINFO, 3, Rtm.IFF_UP, 0, 0, 0, 0, 0, 0, null, null, null, null,
                new Sockaddr.Dl(3, Rtm.IFT_INFINIBAND, "ib0", HardwareAddress.of(gid)), null);
        assertThat(RoutingMessageCodec.decode(RoutingMessageCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void aSockaddrDlTooLongForItsLengthByteIsRefusedWhenEncoding() {
        RoutingMessage m = new RoutingMessage(Rtm.IFINFO, 3, Rtm.IFF_UP, 0, 0, 0, 0, 0, 0, null, null, null, null,
                new Sockaddr.Dl(3, Rtm.IFT_INFINIBAND, "i".repeat(240), HardwareAddress.of(new byte[20])), null);
        assertThatThrownBy(() -> RoutingMessageCodec.encode(m))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds sdl_len");
    }

    @Test
    void truncatedHeaderIsRefused() {
        assertThatThrownBy(() -> RoutingMessageCodec.decode(new byte[10]))
                .isInstanceOf(MalformedFrameException.class).hasMessageContaining("header truncated");
    }

    @Test
    void lengthFieldMustMatchWhatWasRead() {
        byte[] b = RoutingMessageCodec.encode(miss());
        b[1]++;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class).hasMessageContaining("rtm_msglen");
    }

    @Test
    void wrongVersionIsRefused() {
        byte[] b = RoutingMessageCodec.encode(miss());
        b[2] = 3;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class).hasMessageContaining("rtm_version");
    }

    @Test
    void addrsBitWithoutSockaddrIsRefused() {
        byte[] b = RoutingMessageCodec.encode(miss());
        b[15] |= Rtm.RTA_NETMASK;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class);
    }

    @Test
    void unknownFamilyIsRefused() {
        byte[] b = RoutingMessageCodec.encode(miss());
        b[RoutingMessageCodec.HEADER + 1] = 28;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("family 28");
    }

    @Test
    void sockaddrDlLengthsMustFitItsLength() {
        byte[] b = RoutingMessageCodec.encode(miss());
        int dl = RoutingMessageCodec.HEADER + 16;
        b[dl + 6] = 40;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("overrun sdl_len");
    }

    @Test
    void rtmMissForAnIpv6NeighbourCarriesASockaddrIn6() throws MalformedFrameException {
        Ip6Address target = Ip6Address.parse("2001:db8::2");
        RoutingMessage m = new RoutingMessage(Rtm.MISS, 1, Rtm.RTF_UP, 0, 0, 0, 1, 0, 0, null, new Sockaddr.In6(target), null, null,
                new Sockaddr.Dl(1, Rtm.IFT_ETHER, "eth0", HardwareAddress.parse("02:00:00:00:00:01")), null);
        byte[] b = RoutingMessageCodec.encode(m);
        // header, sockaddr_in6 (28), sockaddr_dl (20)
        assertThat(b).hasSize(RoutingMessageCodec.HEADER + 28 + 20);
        int sa = RoutingMessageCodec.HEADER;
        assertThat(b[sa]).isEqualTo((byte) 28);
        assertThat(b[sa + 1]).isEqualTo((byte) Rtm.AF_INET6);
        assertThat(Ip6Address.of(b, sa + 8)).isEqualTo(target);
        assertThat(RoutingMessageCodec.decode(b)).isEqualTo(m);
    }

    @Test
    void aSockaddrIn6OfAnotherLengthIsRefused() {
        RoutingMessage m = new RoutingMessage(Rtm.MISS, 1, Rtm.RTF_UP, 0, 0, 0, 1, 0, 0, null,
                new Sockaddr.In6(Ip6Address.parse("2001:db8::2")), null, null, null, null);
        byte[] b = RoutingMessageCodec.encode(m);
        b[RoutingMessageCodec.HEADER] = 24;
        assertThatThrownBy(() -> RoutingMessageCodec.decode(b)).isInstanceOf(MalformedFrameException.class)
                .hasMessageContaining("sockaddr_in6 length 24, expected 28");
    }

    @Test
    void anIpv6NetmaskSaysItsPrefixLength() {
        assertThat(Sockaddr.In6.mask(64).address()).isEqualTo(Ip6Address.parse("ffff:ffff:ffff:ffff::"));
        assertThat(Sockaddr.In6.mask(68).address()).isEqualTo(Ip6Address.parse("ffff:ffff:ffff:ffff:f000::"));
        for (int len : new int[] {0, 1, 63, 64, 65, 127, 128}) assertThat(Sockaddr.In6.mask(len).prefixLength()).isEqualTo(len);
        assertThatThrownBy(() -> Sockaddr.In6.mask(129)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RoutingMessage miss() {
        return new RoutingMessage(Rtm.MISS, 1, Rtm.RTF_UP, 0, 0, 0, 1, 0, 0, null, new Sockaddr.In(Ip4.parse("192.0.2.9")), null, null,
                new Sockaddr.Dl(1, Rtm.IFT_ETHER, "eth0", HardwareAddress.parse("02:00:00:00:00:01")), null);
    }

    @Provide
    Arbitrary<RoutingMessage> messages() {
        Arbitrary<Sockaddr.In> in = Arbitraries.integers().map(Sockaddr.In::new);
        Arbitrary<Sockaddr.In6> in6 = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as((high, low) -> new Sockaddr.In6(new Ip6Address(high, low)));
        Arbitrary<Sockaddr.Inet> inet = Arbitraries.oneOf(in, in6);
        Arbitrary<Sockaddr.Dl> dl = Combinators.combine(
                Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.integers().between(0, 0xFF),
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(12),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(HardwareAddress::of))
                .as(Sockaddr.Dl::new);
        Arbitrary<Sockaddr> gateway = Arbitraries.oneOf(inet, dl);
        Arbitrary<NeighborState> state = Arbitraries.of(NeighborState.class).injectNull(0.3);
        Arbitrary<int[]> header = Arbitraries.integers().array(int[].class).ofSize(8);
        return Combinators.combine(
                Arbitraries.of(Rtm.ADD, Rtm.DELETE, Rtm.CHANGE, Rtm.MISS, Rtm.NEWADDR, Rtm.DELADDR, Rtm.IFINFO),
                Arbitraries.integers().between(0, 0xFFFF),
                header, state,
                inet.injectNull(0.3), gateway.injectNull(0.3), inet.injectNull(0.5),
                Combinators.combine(dl.injectNull(0.4), inet.injectNull(0.5)).as((a, b) -> new Object[] {a, b}))
                .as((type, index, h, st, dst, gw, mask, rest) -> new RoutingMessage(type, index, h[0], h[1], h[2], h[3], h[4], h[5], h[6], st,
                        dst, gw, mask, (Sockaddr.Dl) rest[0], (Sockaddr.Inet) rest[1]));
    }
}
