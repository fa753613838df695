package org.uarpd.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class BindingTest {

    private static final InetAddress IP = InetAddress.ofLiteral("192.0.2.100");

    @Test
    void roundTripsThroughTheStoredForm() {
        Binding b = new Binding(IP, "02:00:00:00:00:AB", "h1", "eth0");
        assertThat(b.mac()).isEqualTo("02:00:00:00:00:ab");
        assertThat(Binding.decode(IP, b.encode())).isEqualTo(b);
    }

    @Test
    void hardwareAddressesOfOtherLengthsAreKept() {
        Binding arcnet = new Binding(IP, "2a", "h1", "arc0");
        assertThat(Binding.decode(IP, arcnet.encode()).mac()).isEqualTo("2a");
    }

    @Test
    void malformedValuesAreRefusedWithTheAddress() {
        assertThatThrownBy(() -> Binding.decode(IP, "not json")).hasMessageContaining("192.0.2.100").hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Binding.decode(IP, "[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Binding.decode(IP, "{\"mac\":\"02:00:00:00:00:01\",\"host\":\"h1\"}")).hasMessageContaining("'link'");
        assertThatThrownBy(() -> Binding.decode(IP, "{\"mac\":\"zz\",\"host\":\"h1\",\"link\":\"e\"}")).hasMessageContaining("mac:");
    }
}
