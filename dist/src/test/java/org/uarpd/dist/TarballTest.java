package org.uarpd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.linux.NamespaceLab;

/** The tarball: unpacked anywhere, it runs with nothing else installed. */
class TarballTest {
    @Test
    void unpackedAnywhereItRunsWithItsOwnRuntime() throws Exception {
        Path tarball = Built.tarball();
        String top = tarball.getFileName().toString().replace("-linux-amd64.tar.gz", "");
        List<String> entries = List.of(Built.ok("tar", "-tzf", tarball.toString()).split("\n"));
        assertThat(entries).allMatch(e -> e.startsWith(top + "/"));
        assertThat(entries).contains(top + "/bin/uarpd", top + "/bin/uarpctl", top + "/runtime/bin/java", top + "/jvm-options",
                top + "/uarpd.toml", top + "/uarpd.service", top + "/share/man/man8/uarpd.8.gz",
                top + "/share/bash-completion/completions/uarpd");
        Path dir = Files.createTempDirectory("uarpd-tar");
        try {
            Built.ok("tar", "-xzf", tarball.toString(), "-C", dir.toString());
            Path bin = dir.resolve(top).resolve("bin");
            NamespaceLab.Result version = Built.run("env", "-i", "PATH=/usr/bin:/bin", bin.resolve("uarpd").toString(), "--version");
            assertThat(version.exitCode()).as(version.err()).isZero();
            assertThat(version.out()).startsWith("uarpd ");
            // Through a symlink elsewhere, as /usr/bin/uarpctl reaches the packaged launcher.
            Path link = Files.createSymbolicLink(dir.resolve("uarpctl"), bin.resolve("uarpctl"));
            NamespaceLab.Result help = Built.run("env", "-i", "PATH=/usr/bin:/bin", link.toString(), "--help");
            assertThat(help.exitCode()).as(help.err()).isZero();
            assertThat(help.out()).contains("Usage: uarpctl");
        } finally {
            Built.deleteTree(dir);
        }
    }
}
