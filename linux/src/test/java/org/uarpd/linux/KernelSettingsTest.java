package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSettingsTest {
    @TempDir
    Path root;

    @Test
    void awaitLinkWaitsForEveryDirectoryOfTheInterface() throws Exception {
        Files.createDirectories(root.resolve("net/ipv6/conf/all"));
        Files.createDirectories(root.resolve("net/ipv4/conf/v0"));
        Files.createDirectories(root.resolve("net/ipv4/neigh/v0"));
        Files.createDirectories(root.resolve("net/ipv6/conf/v0"));
        KernelSettings settings = new KernelSettings(root);
        // IPv6 is there and v0's IPv6 neighbour directory is not: the rename is not finished.
        assertThat(settings.awaitLink("v0", Duration.ofMillis(30))).isFalse();

        Thread late = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
                Files.createDirectories(root.resolve("net/ipv6/neigh/v0"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(settings.awaitLink("v0", Duration.ofSeconds(10))).isTrue();
        assertThat(Files.isDirectory(root.resolve("net/ipv6/neigh/v0"))).isTrue();
        late.join();
    }

    @Test
    void withoutIpv6OnlyTheIpv4DirectoriesAreAwaited() throws Exception {
        Files.createDirectories(root.resolve("net/ipv4/conf/v0"));
        Files.createDirectories(root.resolve("net/ipv4/neigh/v0"));
        assertThat(new KernelSettings(root).awaitLink("v0", Duration.ofMillis(30))).isTrue();
        assertThat(new KernelSettings(root).awaitLink("w0", Duration.ofMillis(30))).isFalse();
    }
}
