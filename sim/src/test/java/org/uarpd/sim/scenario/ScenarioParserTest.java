package org.uarpd.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uarpd.engine.Cidr6;
import org.uarpd.engine.PositionedException;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.sim.Simulation;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Ip6Address;

class ScenarioParserTest {
    static final String HEAD = """
            segment lan ethernet loss 0.1 delay 20us jitter 5us
            segment lis atm
            host a uarpd after 2s
            host b hold 3
            iface a eth0 lan 02:00:00:00:00:01 192.0.2.1/24 rarp-server
            iface b eth0 lan 02:00:00:00:00:02 192.0.2.2/24
            """;

    static Scenario parse(String text) throws PositionedException {
        return ScenarioParser.parse("test.scenario", text.lines().toList());
    }

    @Test
    void readsDeclarationsAndEvents() throws PositionedException {
        Scenario s = parse(HEAD + """
                seed 42   # comment
                publish a eth0 192.0.2.64/27 except 192.0.2.70,192.0.2.72/31 mac 02:00:5e:00:00:01
                ethers a 02:00:00:00:00:09 192.0.2.9
                route b 198.51.100.0/24 via 192.0.2.1
                at 1.5s send b 192.0.2.1 count 3 every 200ms
                at 2s partition lan a | b
                at 3s heal lan
                at 4s crash b
                at 5s restart b
                at 6s kill-uarpd a
                at 7s start-uarpd a
                at 8s faults lan loss 0.5
                at 9s link a eth0 down
                at 9s addr a eth0 add 192.0.2.50/24
                at 9s static b eth0 192.0.2.1 02:00:00:00:00:01
                run 10s
                """);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(s.duration()).isEqualTo(10 * Simulation.SECOND);
        assertThat(s.segments().getFirst().faults().loss()).isEqualTo(0.1);
        assertThat(s.segments().getFirst().faults().delayNanos()).isEqualTo(20_000);
        assertThat(s.hosts().getFirst().uarpdDelay()).isEqualTo(2 * Simulation.SECOND);
        assertThat(s.hosts().get(1).holdDepth()).isEqualTo(3);
        assertThat(s.interfaces().getFirst().rarpServer()).isTrue();
        assertThat(s.published().getFirst().target()).isInstanceOfSatisfying(PublishedEntry.Target.Range.class,
                r -> assertThat(r.excluded()).hasSize(2));
        assertThat(s.routes().getFirst().gateway()).isEqualTo(Ip4.parse("192.0.2.1"));
        assertThat(s.events()).hasSize(11);
        assertThat(s.events().get(8).event()).isEqualTo(new Scenario.Event.Link("a", "eth0", false));
        assertThat(s.events().get(9).event()).isEqualTo(new Scenario.Event.Address("a", "eth0", Ip4.parse("192.0.2.50"), 24, true));
        assertThat(s.events().getFirst().time()).isEqualTo(1_500_000_000L);
        assertThat(s.events().getFirst().event()).isEqualTo(new Scenario.Event.Send("b", Ip4.parse("192.0.2.1"), 3, 200_000_000L));
        assertThat(s.events().get(1).event()).isEqualTo(new Scenario.Event.Partition("lan", List.of(List.of("a"), List.of("b"))));
    }

    @Test
    void readsIpv6AddressesPublishedRangesAndEvents() throws PositionedException {
        Scenario s = parse(HEAD + """
                inet6 a eth0 2001:db8::1/64
                inet6 b eth0 2001:db8::2/64
                publish a eth0 2001:db8:0:1::/64 except 2001:db8:0:1::1,2001:db8:0:1::8/126 mac 02:00:5e:00:00:01
                at 1s send b 2001:db8::1 count 2 every 100ms
                at 2s addr b eth0 del 2001:db8::2/64
                run 3s
                """);
        assertThat(s.inet6()).containsExactly(
                new Scenario.Inet6Decl(7, "a", "eth0", Ip6Address.parse("2001:db8::1"), 64),
                new Scenario.Inet6Decl(8, "b", "eth0", Ip6Address.parse("2001:db8::2"), 64));
        assertThat(s.published()).isEmpty();
        Scenario.Publish6Decl p = s.published6().getFirst();
        assertThat(p.range()).isEqualTo(Cidr6.parse("2001:db8:0:1::/64"));
        assertThat(p.excluded()).containsExactly(Cidr6.parse("2001:db8:0:1::1/128"), Cidr6.parse("2001:db8:0:1::8/126"));
        assertThat(p.hardware()).hasToString("02:00:5e:00:00:01");
        assertThat(s.events().getFirst().event())
                .isEqualTo(new Scenario.Event.Send6("b", Ip6Address.parse("2001:db8::1"), 2, 100_000_000L));
        assertThat(s.events().get(1).event())
                .isEqualTo(new Scenario.Event.Address6("b", "eth0", Ip6Address.parse("2001:db8::2"), 64, false));
    }

    @Test
    void theDefaultScenarioParses() {
        Scenario s = ScenarioRunner.defaultScenario();
        assertThat(s.segments()).extracting(d -> d.type().name()).contains("ethernet", "token-ring", "fddi", "arcnet", "atm", "ipoib");
        assertThat(s.interfaces()).anyMatch(Scenario.InterfaceDecl::rarp).anyMatch(Scenario.InterfaceDecl::proxy)
                .anyMatch(Scenario.InterfaceDecl::atmArpServer);
        assertThat(s.published()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            frobnicate                                              | 7 | statement
            segment lan2 tokenring                                  | 7 | type
            segment lan ethernet                                    | 7 | name
            segment lan2 ethernet loss 1.5                          | 7 | loss
            segment lan2 ethernet delay fast                        | 7 | delay
            host c uarpd hold 0                                     | 7 | hold
            host c uarpd hold 4294967297                            | 7 | hold
            host c assist                                           | 7 | uarpd
            iface c eth0 lan 02:00:00:00:00:03 192.0.2.3/24          | 7 | host
            iface a eth1 nowhere 02:00:00:00:00:03 192.0.2.3/24      | 7 | segment
            iface a eth1 lan 02:00:00:00:03 192.0.2.3/24             | 7 | hardware address
            iface a eth1 lan 02:00:00:00:00:02 192.0.2.3/24          | 7 | hardware address
            iface a eth1 lan 02:00:00:00:00:03 192.0.2.3             | 7 | address
            iface a eth1 lan 02:00:00:00:00:03 192.0.2.300/24        | 7 | address
            iface a eth1 lan 02:00:00:00:00:03 192.0.2.3/33          | 7 | address
            iface b eth1 lan 02:00:00:00:00:03 192.0.2.3/24 proxy    | 7 | proxy
            iface a eth1 lan 02:00:00:00:00:03 192.0.2.3/24 atmarp-server | 7 | atmarp-server
            publish b eth0 192.0.2.64/27                             | 7 | host
            publish a eth9 192.0.2.64/27                             | 7 | interface
            publish a eth0 192.0.2.65/27                             | 7 | range
            at soon send a 192.0.2.2                                 | 7 | time
            at 1s send a                                             | 7 | field 5
            at 1s send a 192.0.2.2 count 4294967297                  | 7 | count
            at 1s dance a                                            | 7 | action
            at 1s kill-uarpd b                                       | 7 | host
            at 1s partition lan a , zed                              | 7 | partition group
            srbridge lan 1 lis 2 5                                   | 7 | segment
            at 1s link a eth0 sideways                               | 7 | state
            at 1s addr a eth7 add 192.0.2.9/24                       | 7 | interface
            at 1s static b eth0 192.0.2.1 zz:00                      | 7 | hardware address
            inet6 a eth0 2001:db8::1                                 | 7 | address
            inet6 a eth0 2001:db8::g/64                              | 7 | address
            inet6 a eth0 2001:db8::1/129                             | 7 | address
            inet6 a eth9 2001:db8::1/64                              | 7 | interface
            inet6 a eth0 2001:db8::1/64 2001:db8::2/64               | 7 | field 5
            publish a eth0 2001:db8::1/64                            | 7 | range
            publish a eth0 2001:db8::/64 except 2001:db8::/129        | 7 | except
            publish a eth0 2001:db8::/64 except 2001:db8:1::1         | 7 | except
            publish a eth0 192.0.2.64/27 except 192.0.2.1             | 7 | except
            publish a eth0 192.0.2.64/27 except 192.0.2.64/26         | 7 | except
            publish a eth0 192.0.2.65/27                              | 7 | range
            route b 198.51.100.0/33 via 192.0.2.1                     | 7 | prefix
            at 1s send a 2001:db8:::2                                | 7 | destination
            at 1s addr a eth0 add 2001:db8::9/200                    | 7 | address
            """)
    void mistakesNameFileLineAndField(String line, int lineNumber, String field) {
        assertThatThrownBy(() -> parse(HEAD + line + "\nrun 1s\n"))
                .isInstanceOf(PositionedException.class)
                .satisfies(e -> {
                    PositionedException se = (PositionedException) e;
                    assertThat(se.file()).isEqualTo("test.scenario");
                    assertThat(se.line()).isEqualTo(lineNumber);
                    assertThat(se.field()).isEqualTo(field);
                    assertThat(se.getMessage()).startsWith("test.scenario:" + lineNumber + ": " + field + ": ");
                });
    }

    @Test
    void aScenarioMustSayHowLongToRun() {
        assertThatThrownBy(() -> parse(HEAD)).isInstanceOf(PositionedException.class).hasMessageContaining("run: missing");
    }
}
