package org.uarpd.daemon.syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.NdPublished;
import org.uarpd.engine.PublishedEntry.Target;
import org.uarpd.wire.Ip4;

class PublishedTargetsTest {
    @Test
    void addressRangeAndProxy() {
        assertThat(PublishedTargets.parse("198.51.100.7", List.of())).isEqualTo(new Target.Address(Ip4.parse("198.51.100.7")));
        assertThat(PublishedTargets.parse("198.51.100.7/32", List.of())).isEqualTo(new Target.Address(Ip4.parse("198.51.100.7")));
        assertThat(PublishedTargets.parse("proxy", List.of())).isEqualTo(new Target.RoutedElsewhere());
        assertThat(PublishedTargets.parse("198.51.100.0/24", List.of("198.51.100.7", "198.51.100.128/28")))
                .isEqualTo(new Target.Range(Cidr.parse("198.51.100.0/24"), List.of(Cidr.parse("198.51.100.7/32"), Cidr.parse("198.51.100.128/28"))));
    }

    @Test
    void theCommandLineFormIsTheSameTarget() {
        assertThat(PublishedTargets.parseList("198.51.100.0/24,!198.51.100.7,!198.51.100.128/28"))
                .isEqualTo(PublishedTargets.parse("198.51.100.0/24", List.of("198.51.100.7", "198.51.100.128/28")));
        assertThatThrownBy(() -> PublishedTargets.parseList("198.51.100.0/24,198.51.100.7"))
                .hasMessage("'198.51.100.7' should be an exclusion like !198.51.100.7");
    }

    @Test
    void exclusionsMustLieWithinTheRange() {
        assertThatThrownBy(() -> PublishedTargets.parse("198.51.100.0/24", List.of("192.0.2.1")))
                .hasMessage("'192.0.2.1' is outside the range 198.51.100.0/24");
        assertThatThrownBy(() -> PublishedTargets.parse("198.51.100.0/25", List.of("198.51.100.0/24")))
                .hasMessage("'198.51.100.0/24' is outside the range 198.51.100.0/25");
        assertThatThrownBy(() -> PublishedTargets.parse("proxy", List.of("198.51.100.1"))).hasMessageContaining("proxy entries take none");
        assertThatThrownBy(() -> PublishedTargets.parse("198.51.100.0/24", List.of("nearby"))).isInstanceOf(PublishedTargets.BadExclusion.class)
                .hasMessageStartingWith("'nearby' is not an address range");
        assertThatThrownBy(() -> PublishedTargets.parse("198.51.100.0/33", List.of())).isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("'198.51.100.0/33' is not an address range");
        // without a length it was meant as one address
        assertThatThrownBy(() -> PublishedTargets.parse("somewhere", List.of())).isInstanceOf(SyntaxException.class)
                .hasMessage("'somewhere' is not an IPv4 address (dotted quad like 192.0.2.7)");
    }

    @Test
    void formatWritesWhatParseReads() {
        for (Target t : List.of(new Target.Address(Ip4.parse("198.51.100.7")), new Target.RoutedElsewhere(),
                new Target.Range(Cidr.parse("198.51.100.0/24"), List.of(Cidr.parse("198.51.100.7/32"), Cidr.parse("198.51.100.128/28"))))) {
            assertThat(PublishedTargets.parse(PublishedTargets.format(t), PublishedTargets.formatExclusions(t))).isEqualTo(t);
        }
        assertThat(PublishedTargets.formatExclusions(PublishedTargets.parse("198.51.100.0/24", List.of("198.51.100.7/32"))))
                .containsExactly("198.51.100.7");
    }

    @Test
    void ipv6TargetsAreNeighbourDiscoveryEntriesReadByTheSameCommandLineForm() {
        assertThat(PublishedTargets.isIpv6List("2001:db8:1::/64,!2001:db8:1::1")).isTrue();
        assertThat(PublishedTargets.isIpv6List("198.51.100.0/24,!198.51.100.7")).isFalse();
        assertThat(PublishedTargets.isIpv6List("proxy")).isFalse();
        assertThat(PublishedTargets.parseList6("2001:db8:1::/64,!2001:db8:1::1,!2001:db8:1::100/120")).isEqualTo(new NdPublished(
                Cidr6.parse("2001:db8:1::/64"), List.of(Cidr6.parse("2001:db8:1::1/128"), Cidr6.parse("2001:db8:1::100/120")), null));
        assertThat(PublishedTargets.parse6("2001:db8::7", List.of())).isEqualTo(NdPublished.of(Cidr6.parse("2001:db8::7/128")));
        assertThatThrownBy(() -> PublishedTargets.parseList6("2001:db8:1::/64,2001:db8:1::1"))
                .hasMessage("'2001:db8:1::1' should be an exclusion like !2001:db8:1::7");
    }

    @Test
    void theCommandLineSaysTheConditionAsWhenAndViaItems() {
        assertThat(PublishedTargets.parseList6("2001:db8:2::/64,!2001:db8:2::1,when=target-answers,via=u1")).isEqualTo(
                PublishedTargets.parseList6("2001:db8:2::/64,!2001:db8:2::1").answered(NdPublished.When.TARGET_ANSWERS, "u1"));
        assertThat(PublishedTargets.parseList6("2001:db8:2::/64,when=route").when()).isEqualTo(NdPublished.When.ROUTE);
        assertThat(PublishedTargets.parseList6("2001:db8:2::/64,when=always").when()).isEqualTo(NdPublished.When.ALWAYS);
        assertThatThrownBy(() -> PublishedTargets.parseList6("2001:db8:2::/64,when=target-answers")).isInstanceOf(PublishedTargets.BadPart.class)
                .hasMessageContaining("needs the interface to ask the target on");
        assertThatThrownBy(() -> PublishedTargets.parseList6("2001:db8:2::/64,via=u1")).isInstanceOf(PublishedTargets.BadPart.class)
                .hasMessageStartingWith("applies to when = \"target-answers\" only");
        assertThatThrownBy(() -> PublishedTargets.parseList6("2001:db8:2::/64,when=often"))
                .hasMessage("\"often\" is not a condition; expected one of always, target-answers, route");
    }

    @Test
    void ipv6MistakesSayWhatWasExpected() {
        assertThatThrownBy(() -> PublishedTargets.parse6("2001:db8:1::/64", List.of("2001:db8:2::1"))).isInstanceOf(PublishedTargets.BadExclusion.class)
                .hasMessage("'2001:db8:2::1' is outside the prefix 2001:db8:1::/64");
        assertThatThrownBy(() -> PublishedTargets.parse6("2001:db8:1::/64", List.of("2001:db8::/32"))).isInstanceOf(PublishedTargets.BadExclusion.class)
                .hasMessage("'2001:db8::/32' is outside the prefix 2001:db8:1::/64");
        assertThatThrownBy(() -> PublishedTargets.parse6("2001:db8:1::/64", List.of("192.0.2.1"))).isInstanceOf(PublishedTargets.BadExclusion.class)
                .hasMessageStartingWith("'192.0.2.1' is not an IPv6 prefix");
        assertThatThrownBy(() -> PublishedTargets.parse6("2001:db8:1::1/64", List.of())).isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("'2001:db8:1::1/64' is not an IPv6 prefix");
        assertThatThrownBy(() -> PublishedTargets.parse6("2001:db8:::1", List.of())).isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("'2001:db8:::1' is not an IPv6 prefix");
    }
}
