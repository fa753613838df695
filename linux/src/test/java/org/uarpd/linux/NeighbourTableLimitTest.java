package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's neighbour table limit, read from a /proc/sys of the test's own (a directory). */
class NeighbourTableLimitTest {
    @TempDir
    Path root;

    private NeighbourTableLimit read(String value) throws Exception {
        if (value != null) {
            Path file = root.resolve(NeighbourTableLimit.KEY);
            Files.createDirectories(file.getParent());
            Files.writeString(file, value);
        }
        return NeighbourTableLimit.read(new KernelSettings(root));
    }

    @Test
    void theValueShownIsTheLimit() throws Exception {
        assertThat(read("4096\n")).isEqualTo(new NeighbourTableLimit(4096, "net.ipv4.neigh.default.gc_thresh3"));
    }

    @Test
    void aNamespaceThatDoesNotShowItGetsTheKernelsDefaultAndSaysWhy() throws Exception {
        NeighbourTableLimit l = read(null);
        assertThat(l.gcThresh3()).isEqualTo(NeighbourTableLimit.KERNEL_DEFAULT).isEqualTo(1024);
        assertThat(l.source()).contains("does not show net.ipv4.neigh.default.gc_thresh3");
    }

    @Test
    void anUnreadableValueIsNamed() throws Exception {
        NeighbourTableLimit l = read("lots");
        assertThat(l.gcThresh3()).isEqualTo(1024);
        assertThat(l.source()).contains("reads 'lots'");
        assertThat(read("0").source()).contains("reads '0', not a positive number");
    }
}
