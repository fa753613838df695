package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetConfigTest {

    private static final List<String> ETCD = List.of("http://192.0.2.11:2379");

    @Test
    void defaultsOutlastNeighbourLockTimes() {
        FleetConfig c = FleetConfig.of(ETCD, "web", "h1", List.of("vip"));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.leaseMargin()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.keepaliveInterval()).isLessThan(c.leaseTtl().minus(c.leaseMargin()).dividedBy(3));
        assertThat(c.announceSchedule().getLast()).isGreaterThan(Duration.ofSeconds(1));
        assertThat(c.key("owners", "vip")).isEqualTo("/uarpd/web/owners/vip");
        assertThat(c.areaPrefix("bindings")).isEqualTo("/uarpd/web/bindings/");
    }

    @Test
    void eachBadFieldIsNamed() {
        assertThatThrownBy(() -> FleetConfig.of(List.of(), "web", "h1", List.of())).hasMessageStartingWith("endpoints:");
        assertThatThrownBy(() -> FleetConfig.of(List.of("192.0.2.11:2379"), "web", "h1", List.of())).hasMessageStartingWith("endpoints:");
        assertThatThrownBy(() -> FleetConfig.of(ETCD, "a/b", "h1", List.of())).hasMessageStartingWith("name:");
        assertThatThrownBy(() -> FleetConfig.of(ETCD, "web", "", List.of())).hasMessageStartingWith("host:");
        assertThatThrownBy(() -> FleetConfig.of(ETCD, "web", "h1", List.of("v ip"))).hasMessageStartingWith("groups:");
        assertThatThrownBy(() -> FleetConfig.of(ETCD, "web", "h1", List.of("vip", "vip"))).hasMessageStartingWith("groups:");
        FleetConfig ok = FleetConfig.of(ETCD, "web", "h1", List.of("vip"));
        assertThatThrownBy(() -> ok.withLeaseTtl(Duration.ofMillis(1500))).hasMessageStartingWith("lease-ttl:");
        assertThatThrownBy(() -> ok.withLeaseTtl(Duration.ZERO)).hasMessageStartingWith("lease-ttl:");
        assertThatThrownBy(() -> new FleetConfig(ETCD, "web", "uarpd", "h1", Duration.ofSeconds(2), Duration.ofSeconds(2),
                List.of(), List.of(), Duration.ofSeconds(1))).hasMessageStartingWith("lease-margin:");
        assertThatThrownBy(() -> new FleetConfig(ETCD, "web", "uarpd", "h1", Duration.ofSeconds(2), Duration.ZERO,
                List.of(Duration.ofSeconds(2), Duration.ofSeconds(1)), List.of(), Duration.ofSeconds(1))).hasMessageStartingWith("announce:");
    }
}
