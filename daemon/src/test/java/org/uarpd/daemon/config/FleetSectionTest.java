package org.uarpd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.PublishedEntry;

class FleetSectionTest {
    private static final String LINK = "[[links.u0.publish]]\naddress = \"198.51.100.7\"\n[[links.u0.publish]]\nrange = \"198.51.100.16/28\"\n"
            + "[[links.u0.publish]]\nproxy = true\n";

    static UarpdConfig parse(String text) throws ConfigException {
        return UarpdConfig.parse(text, "uarpd.toml", Path.of("."));
    }

    @Test
    void aFullSectionIsReadAndFleetEntriesLeaveTheEnginesStartingPolicy() throws Exception {
        UarpdConfig c = parse("[fleet]\nendpoints = [\"http://192.0.2.11:2379\"]\nname = \"web\"\nhost = \"web-1\"\nlease-ttl = \"3s\"\n"
                + "lease-margin = \"600ms\"\nannounce = [\"0s\", \"2s\"]\n[fleet.groups]\nvip-a = [\"198.51.100.16/28\"]\n" + LINK);
        FleetSection f = c.fleet();
        assertThat(f.enabled()).isTrue();
        assertThat(f.host()).isEqualTo("web-1");
        assertThat(f.leaseTtlNanos()).isEqualTo(3_000_000_000L);
        assertThat(f.leaseMarginNanos()).isEqualTo(600_000_000L);
        assertThat(f.announceNanos()).containsExactly(0L, 2_000_000_000L);
        List<PublishedEntry> published = c.links().get("u0").policy().published();
        assertThat(published.stream().map(f::groupOf).toList()).containsExactly("198.51.100.7", "vip-a", null);
        EngineConfig engine = c.engineConfig(1);
        // Only the proxy entry is answered from the start; the others wait until this host owns their group.
        assertThat(engine.policyFor("u0").published()).containsExactly(PublishedEntry.routedElsewhere());
    }

    @Test
    void withoutAFleetEveryEntryIsAnsweredFromTheStart() throws Exception {
        UarpdConfig c = parse(LINK);
        assertThat(c.fleet().enabled()).isFalse();
        assertThat(c.engineConfig(1).policyFor("u0").published()).hasSize(3);
    }

    @Test
    void mistakesNameFileLineAndKey() {
        assertThatThrownBy(() -> parse("[fleet]\nname = \"web\"\nlease-ttl = \"1500ms\"\nannounce = [\"2s\", \"1s\"]\n[fleet.groups]\nvip = [\"nonsense\"]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uarpd.toml:1: fleet.endpoints: is missing")
                .hasMessageContaining("uarpd.toml:3: fleet.lease-ttl: must be whole seconds")
                .hasMessageContaining("uarpd.toml:4: fleet.announce: \"1s\" comes before")
                .hasMessageContaining("uarpd.toml:6: fleet.groups.vip: \"nonsense\" is not a published address or range");
        assertThatThrownBy(() -> parse("[fleet]\nendpoint = [\"http://192.0.2.11:2379\"]\n")).hasMessageContaining("did you mean 'endpoints'");
    }

    @Test
    void theFlagsTurnTheFleetOnAndNeedEachOther() throws Exception {
        FleetSection f = parse("[fleet]\nhost = \"h1\"\n").fleet();
        assertThat(f.enabled()).isFalse();
        FleetSection on = f.withFlags("http://192.0.2.11:2379, http://192.0.2.12:2379", "t", null);
        assertThat(on.enabled()).isTrue();
        assertThat(on.endpoints()).containsExactly("http://192.0.2.11:2379", "http://192.0.2.12:2379");
        assertThat(on.host()).isEqualTo("h1");
        assertThat(on.answerOnBehalf()).as("answers on behalf are on by default").isTrue();
        assertThatThrownBy(() -> f.withFlags(null, "t", null)).hasMessage("--fleet needs --etcd ENDPOINTS (or endpoints in [fleet])");
        assertThatThrownBy(() -> f.withFlags("http://192.0.2.11:2379", null, null)).hasMessage("--etcd needs --fleet NAME (or name in [fleet])");
    }

    @Test
    void answersOnBehalfCanBeKeptOffByTheFileOrTheFlag() throws Exception {
        FleetSection off = parse("[fleet]\nendpoints = [\"http://192.0.2.11:2379\"]\nname = \"t\"\nanswer-on-behalf = false\n").fleet();
        assertThat(off.answerOnBehalf()).isFalse();
        assertThat(off.withFlags(null, null, null).answerOnBehalf()).as("no flag keeps the file's value").isFalse();
                assertThat(parse("[fleet]\n").fleet().withFlags("http://192.0.2.11:2379", "t", false).answerOnBehalf())
                .as("--no-answer-on-behalf").isFalse();
        assertThatThrownBy(() -> parse("[fleet]\nanswer-on-behalf = \"no\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("uarpd.toml:2: fleet.answer-on-behalf:");
    }
}
