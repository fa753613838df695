package org.uarpd.engine.rarp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.engine.PositionedException;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;

class EthersTableTest {
    @Test
    @DisplayName("ethers(5): addresses or host names, one-digit hex bytes, comments and blank lines")
    void parses(@TempDir Path dir) throws Exception {
        Path ethers = dir.resolve("ethers");
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, """
                # hosts
                127.0.0.1   localhost
                ::1         localhost ip6-localhost
                192.0.2.40  sun3 sun3.example.  # the diskless one
                """);
        Files.writeString(ethers, """
                # hardware     host
                8:0:20:1:2:3   sun3
                02:00:00:00:00:09 192.0.2.9   # by address

                """);
        EthersTable t = EthersTable.read(ethers, hosts);
        assertThat(t.lookup(HardwareAddress.parse("08:00:20:01:02:03"))).isEqualTo(Ip4.parse("192.0.2.40"));
        assertThat(t.lookup(HardwareAddress.parse("02:00:00:00:00:09"))).isEqualTo(Ip4.parse("192.0.2.9"));
        assertThat(t.addresses()).hasSize(2);
    }

    @Test
    @DisplayName("errors name the file, the line and the field")
    void errors() {
        assertThatThrownBy(() -> EthersTable.parse("ethers", List.of("# ok", "zz:00:00:00:00:01 192.0.2.1"), Map.of()))
                .isInstanceOfSatisfying(PositionedException.class, e -> {
                    assertThat(e.file()).isEqualTo("ethers");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo("hardware address");
                    assertThat(e.getMessage()).startsWith("ethers:2: hardware address: ");
                });
        assertThatThrownBy(() -> EthersTable.parse("ethers", List.of("02:00:00:00:00:01 nosuchhost"), Map.of()))
                .isInstanceOfSatisfying(PositionedException.class, e -> {
                    assertThat(e.field()).isEqualTo("host");
                    assertThat(e.getMessage()).contains("nosuchhost");
                });
        assertThatThrownBy(() -> EthersTable.parse("ethers", List.of("02:00:00:00:00:01"), Map.of()))
                .isInstanceOfSatisfying(PositionedException.class, e -> assertThat(e.line()).isEqualTo(1));
        assertThatThrownBy(() -> EthersTable.parse("ethers", List.of("02:00:00:00:00:01 192.0.2.300"), Map.of()))
                .isInstanceOfSatisfying(PositionedException.class, e -> assertThat(e.field()).isEqualTo("host"));
        assertThatThrownBy(() -> EthersTable.parseHosts("hosts", List.of("192.0.2.x name")))
                .isInstanceOfSatisfying(PositionedException.class, e -> {
                    assertThat(e.file()).isEqualTo("hosts");
                    assertThat(e.field()).isEqualTo("address");
                });
        assertThatThrownBy(() -> EthersTable.parse("ethers",
                List.of("02:00:00:00:00:01 192.0.2.1", "2:0:0:0:0:1 192.0.2.2"), Map.of()))
                .isInstanceOfSatisfying(PositionedException.class, e -> assertThat(e.line()).isEqualTo(2));
    }
}
