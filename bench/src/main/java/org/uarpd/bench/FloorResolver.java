package org.uarpd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The C floor resolver ({@code bench/src/main/c/floor.c}, packaged as the class-path resource
 * {@code c/floor.c}): uarpd's architecture with nothing else, built with gcc when a benchmark needs
 * it; {@link #build(String)} builds the bench's other C programs the same way ({@code c/flood.c}).
 * The binary goes next to the bench module's classes (its {@code target/} directory) or, when
 * that cannot be written, to a temporary directory.
 */
final class FloorResolver {
    /** Printed by the floor once its loop is about to start. */
    static final String READY = "floor ready";

    private FloorResolver() {}

    /** Compiles the floor (gcc -O2) and returns the binary; fails with what to install when gcc is missing. */
    static Path build() throws IOException, InterruptedException {
        return build("floor");
    }

    /** Compiles the class-path resource {@code c/NAME.c} (gcc -O2) and returns the binary. */
    static Path build(String name) throws IOException, InterruptedException {
        String resource = "c/" + name + ".c";
        Path dir = outputDirectory();
        Path source = dir.resolve(name + ".c");
        Path binary = dir.resolve(name);
        try (InputStream in = FloorResolver.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("the class path has no " + resource + " (build the bench module with mvn package)");
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("gcc is needed to build " + resource + " and was not found: "
                    + "install it (Debian: apt-get install gcc libc6-dev)", e);
        }
        String out = new String(gcc.getInputStream().readAllBytes());
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IllegalStateException("gcc could not build " + source + ":\n" + out);
        }
        return binary;
    }

    /** bench/target when the classes come from bench/target/classes or a jar in bench/target, else a temporary directory. */
    private static Path outputDirectory() throws IOException {
        try {
            Path from = Path.of(FloorResolver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = from.getParent(); // target/ for target/classes and for target/benchmarks.jar alike
            if (dir != null && Files.isWritable(dir)) return dir;
        } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to a temporary directory
        }
        return Files.createTempDirectory("uarpd-floor");
    }
}
