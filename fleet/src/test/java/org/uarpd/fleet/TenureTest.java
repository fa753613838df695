package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TenureTest {

    @Test
    void roundTripsThroughItsTextForm() {
        Tenure t = new Tenure(0x3474a23b2e4b9607L, 81237723000L, Map.of("vip-b", 15L, "198.51.100.16-28", 12L));
        assertThat(t.encode()).isEqualTo("3474a23b2e4b9607 81237723000 198.51.100.16-28=12 vip-b=15");
        assertThat(Tenure.decode(t.encode())).isEqualTo(t);
        assertThat(Tenure.decode("ffffffffffffffff -5")).isEqualTo(new Tenure(-1L, -5L, Map.of()));
    }

    @Test
    void refusesWhatIsNotATenure() {
        assertThatThrownBy(() -> Tenure.decode("xyz 1 vip=1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xyz 1 vip=1");
        assertThatThrownBy(() -> Tenure.decode("1f")).hasMessageContaining("lease and deadline expected");
        assertThatThrownBy(() -> Tenure.decode("1f 1 vip")).hasMessageContaining("'vip' is not GROUP=REVISION");
        assertThatThrownBy(() -> Tenure.decode("1f 1 vip=0")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Tenure.decode("1f 1 vip=x")).isInstanceOf(IllegalArgumentException.class);
    }
}
