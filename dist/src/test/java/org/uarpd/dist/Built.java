package org.uarpd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.uarpd.linux.NamespaceLab;

/**
 * What the package phase of this module built (target/), and the few shell steps the tests take on
 * it. The tests run after packaging (surefire is bound to integration-test here).
 */
final class Built {
    static final Path TARGET = Path.of("target");
    static final Path SAMPLE_CONFIG = Path.of("..", "packaging", "uarpd.toml");
    static final Path UNIT = Path.of("..", "packaging", "uarpd.service");

    private Built() {}

    /** The one .deb in target/ (several would be stale builds of other versions: mvn clean). */
    static Path deb() {
        return single("uarpd_*_amd64.deb");
    }

    static Path tarball() {
        return single("uarpd-*-linux-amd64.tar.gz");
    }

    private static Path single(String glob) {
        List<Path> found = new ArrayList<>();
        try (var s = Files.newDirectoryStream(TARGET, glob)) {
            s.forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(found).as("exactly one " + glob + " in " + TARGET.toAbsolutePath()
                + " (none: run mvn package; several: run mvn clean package)").hasSize(1);
        return found.get(0);
    }

    /** The Debian version the package carries: the project's, its hyphen made a tilde. */
    static String debianVersion() {
        String name = deb().getFileName().toString();
        return name.substring("uarpd_".length(), name.length() - "_amd64.deb".length());
    }

    /** Runs {@code cmd}; fails with its output unless it exits 0. Returns stdout. */
    static String ok(String... cmd) {
        NamespaceLab.Result r = run(cmd);
        assertThat(r.exitCode()).as(String.join(" ", cmd) + " failed:\n" + r.out() + r.err()).isZero();
        return r.out();
    }

    static NamespaceLab.Result run(String... cmd) {
        return NamespaceLab.run(List.of(cmd));
    }

    /** Fails saying what to install when {@code tool} is not on PATH. */
    static void requireTool(String tool, String debianPackage) {
        assertThat(run("sh", "-c", "command -v " + tool).exitCode())
                .as(tool + " is needed: apt-get install " + debianPackage + " (bin/test installs it when run as root)").isZero();
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
