package org.uarpd.daemon.syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uarpd.engine.Cidr;
import org.uarpd.wire.Ip4;

class AddressesTest {
    @Test
    void ip4() {
        assertThat(Addresses.ip4(" 192.0.2.7 ")).isEqualTo(0xC0000207);
        SyntaxException e = (SyntaxException) org.assertj.core.api.Assertions.catchThrowable(() -> Addresses.ip4("192.0.2.300"));
        assertThat(e.forConfig()).isEqualTo("\"192.0.2.300\" is not an IPv4 address; expected dotted quad like \"192.0.2.7\"");
        assertThat(e.forControl()).isEqualTo("'192.0.2.300' is not an IPv4 address (dotted quad like 192.0.2.7)");
    }

    @Test
    void cidrTakesABareAddressAsOne() {
        assertThat(Addresses.cidr("198.51.100.0/24")).isEqualTo(Cidr.parse("198.51.100.0/24"));
        assertThat(Addresses.cidr("198.51.100.7")).isEqualTo(new Cidr(Ip4.parse("198.51.100.7"), 32));
        SyntaxException e = (SyntaxException) org.assertj.core.api.Assertions.catchThrowable(() -> Addresses.cidr("198.51.100.1/24"));
        assertThat(e.forConfig()).isEqualTo("\"198.51.100.1/24\" is not an address range; expected CIDR like \"198.51.100.0/24\"");
        assertThat(e.forControl()).startsWith("'198.51.100.1/24' is not an address range (CIDR like 198.51.100.0/24): ").contains("host bits set");
        assertThatThrownBy(() -> Addresses.cidr("198.51.100.0/33")).isInstanceOf(SyntaxException.class);
    }

    @Test
    void ipv6AddressesAndPrefixes() {
        assertThat(Addresses.isIpv6("2001:db8::1")).isTrue();
        assertThat(Addresses.isIpv6("192.0.2.1")).isFalse();
        assertThat(Addresses.ip6(" 2001:db8::7 ")).isEqualTo(org.uarpd.wire.Ip6Address.parse("2001:db8::7"));
        assertThat(Addresses.cidr6("2001:db8:1::/64")).isEqualTo(org.uarpd.engine.Cidr6.parse("2001:db8:1::/64"));
        assertThat(Addresses.cidr6("2001:db8:1::7").prefixLength()).isEqualTo(128);
        SyntaxException e = (SyntaxException) org.assertj.core.api.Assertions.catchThrowable(() -> Addresses.ip6("2001:db8::g"));
        assertThat(e.forControl()).isEqualTo("'2001:db8::g' is not an IPv6 address (address like 2001:db8::7)");
        assertThatThrownBy(() -> Addresses.cidr6("2001:db8::/129")).isInstanceOf(SyntaxException.class);
    }

    @Test
    void ethernetIsSixBytes() {
        assertThat(Addresses.ethernet("02:00:5E:00:53:01")).hasToString("02:00:5e:00:53:01");
        for (String bad : new String[] {"02:00:5e", "02:00:5e:00:53:01:02", "zz:00:5e:00:53:01", ""}) {
            SyntaxException e = (SyntaxException) org.assertj.core.api.Assertions.catchThrowable(() -> Addresses.ethernet(bad));
            assertThat(e.forControl()).isEqualTo("'" + bad + "' is not an Ethernet address (six hex bytes like 02:00:5e:00:53:01)");
            assertThat(e.forConfig()).isEqualTo("\"" + bad + "\" is not an Ethernet address; expected six hex bytes like \"02:00:5e:00:53:01\"");
        }
    }

    @Test
    void assignmentSplitsAtTheFirstEquals() {
        assertThat(Addresses.assignment(" 192.0.2.1 = once ", "IP=POLICY")).containsExactly("192.0.2.1", "once");
        assertThatThrownBy(() -> Addresses.assignment("192.0.2.1", "IP=POLICY")).hasMessage("expected IP=POLICY");
    }
}
