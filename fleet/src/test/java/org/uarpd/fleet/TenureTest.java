package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TenureTest {

    @Test
    void roundTripsThroughItsTextForm() {
        Tenure t = new Tenure(0x3474a23b2e4b9607L, Map.of("vip-b", 15L, "198.51.100.16-28", 12L));
        assertThat(t.encode()).isEqualTo("3474a23b2e4b9607 198.51.100.16-28=12 vip-b=15");
        assertThat(Tenure.decode(t.encode())).isEqualTo(t);
        assertThat(Tenure.decode("ffffffffffffffff")).isEqualTo(new Tenure(-1L, Map.of()));
    }

    @Test
    void refusesWhatIsNotATenure() {
        assertThatThrownBy(() -> Tenure.decode("xyz vip=1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xyz vip=1");
        assertThatThrownBy(() -> Tenure.decode("1f vip")).hasMessageContaining("'vip' is not GROUP=REVISION");
        assertThatThrownBy(() -> Tenure.decode("1f vip=0")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Tenure.decode("1f vip=x")).isInstanceOf(IllegalArgumentException.class);
    }
}
