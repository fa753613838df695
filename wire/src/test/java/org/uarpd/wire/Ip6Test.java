package org.uarpd.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IPv6 text forms (RFC 4291 §2.2 in, RFC 5952 out) and the multicast mappings of RFC 4291 and RFC 2464. */
class Ip6Test {
    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Input text, the 16 bytes, the RFC 5952 canonical text (examples of RFC 5952 §4 and RFC 4291 §2.2). */
    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:1:0:0:1,       20010db8000000000001000000000001, 2001:db8::1:0:0:1",
        "2001:0db8::0001,            20010db8000000000000000000000001, 2001:db8::1",
        "2001:db8::1,                20010db8000000000000000000000001, 2001:db8::1",
        "2001:db8:0:1:1:1:1:1,       20010db8000000010001000100010001, 2001:db8:0:1:1:1:1:1",
        "2001:db8:0:1:0:0:0:1,       20010db8000000010000000000000001, 2001:db8:0:1::1",
        "2001:db8:0:0:1:0:0:0,       20010db8000000000001000000000000, 2001:db8:0:0:1::",
        "2001:DB8::AAAA,             20010db800000000000000000000aaaa, 2001:db8::aaaa",
        "::,                         00000000000000000000000000000000, ::",
        "::1,                        00000000000000000000000000000001, ::1",
        "fe80::,                     fe800000000000000000000000000000, fe80::",
        "ff02::1:ff00:2,             ff0200000000000000000001ff000002, ff02::1:ff00:2",
        "::ffff:192.0.2.1,           00000000000000000000ffffc0000201, ::ffff:192.0.2.1",
        "2001:db8:1:2:3:4:192.0.2.1, 20010db80001000200030004c0000201, 2001:db8:1:2:3:4:c000:201",
        "2001:db8::192.0.2.1,        20010db80000000000000000c0000201, 2001:db8::c000:201",
        "2001:db8:a:b:c:d:e:f,       20010db8000a000b000c000d000e000f, 2001:db8:a:b:c:d:e:f",
    })
    void parsesAndFormatsCanonically(String text, String bytes, String canonical) {
        byte[] b = Ip6.parse(text);
        assertThat(hex(b)).isEqualTo(bytes);
        assertThat(Ip6.format(b)).isEqualTo(canonical);
        assertThat(Ip6.parse(canonical)).isEqualTo(b);
        assertThat(Ip6Address.parse(text).toString()).isEqualTo(canonical);
        assertThat(Ip6Address.of(b).toBytes()).isEqualTo(b);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1::2::3", "2001:db8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "12345::",
        "g::1", "2001:db8::-1", "2001:db8::+1", "::1.2.3", "1.2.3.4", "::256.0.0.1", "2001:db8::1%eth0", "2001:db8::/64",
        ":1::", "1:2:3:4:5:6:7:192.0.2.1"})
    void rejectsWhatIsNotAnAddress(String text) {
        assertThatThrownBy(() -> Ip6.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IPv6 address");
    }

    @Test
    void solicitedNodeGroupKeepsTheLow24Bits() {
        // RFC 4291 §2.7.1: ff02:0:0:0:0:1:ff00::/104 plus the low 24 bits.
        Ip6Address a = Ip6Address.parse("2001:db8::12:3456:789a");
        assertThat(a.solicitedNode()).isEqualTo(Ip6Address.parse("ff02::1:ff56:789a"));
        byte[] out = new byte[18];
        Ip6.writeSolicitedNode(a.toBytes(), 0, out, 2);
        assertThat(Ip6Address.of(out, 2)).isEqualTo(a.solicitedNode());
        assertThat(Ip6.isSolicitedNodeOf(out, 2, a.toBytes(), 0)).isTrue();
        assertThat(Ip6.isSolicitedNodeOf(out, 2, Ip6.parse("2001:db8::12:3456:789b"), 0)).isFalse();
        assertThat(Ip6.isSolicitedNode(Ip6.parse("ff02::1:ff00:1"), 0)).isTrue();
        assertThat(Ip6.isSolicitedNode(Ip6.parse("ff02::1"), 0)).isFalse();
        assertThat(Ip6Address.parse("fe80::1").solicitedNode()).isEqualTo(Ip6Address.parse("ff02::1:ff00:1"));
    }

    @Test
    void multicastMapsTo3333AndTheLast32Bits() {
        // RFC 2464 §7: 33-33 followed by the last four octets.
        assertThat(Ip6Address.parse("ff02::1").multicastMac()).isEqualTo(HardwareAddress.parse("33:33:00:00:00:01"));
        assertThat(Ip6Address.parse("ff02::1:ff56:789a").multicastMac()).isEqualTo(HardwareAddress.parse("33:33:ff:56:78:9a"));
        assertThatThrownBy(() -> Ip6Address.parse("2001:db8::1").multicastMac()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void addressClasses() {
        assertThat(Ip6Address.parse("ff02::2").isMulticast()).isTrue();
        assertThat(Ip6Address.parse("2001:db8::1").isMulticast()).isFalse();
        assertThat(Ip6Address.parse("::").isUnspecified()).isTrue();
        assertThat(Ip6Address.parse("::1").isUnspecified()).isFalse();
        assertThat(Ip6Address.parse("fe80::1").isLinkLocal()).isTrue();
        assertThat(Ip6Address.parse("febf::1").isLinkLocal()).isTrue();
        assertThat(Ip6Address.parse("fec0::1").isLinkLocal()).isFalse();
        assertThat(Ip6Address.isLinkLocal(Ip6Address.parse("febf::1").high())).isTrue();
        assertThat(Ip6Address.isLinkLocal(Ip6Address.parse("fe7f::1").high())).isFalse();
        assertThat(Ip6.isLinkLocal(Ip6.parse("fe80::1"), 0)).isTrue();
        assertThat(Ip6.isUnspecified(new byte[16], 0)).isTrue();
    }
}
