package org.uarpd.daemon;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another uarpd in a fresh JVM: the same java, the same class path, and
 * the JVM options of an installed uarpd. Used by {@code lab}, the end-to-end tests and the benchmark drivers to run
 * {@code uarpd run} inside a namespace ({@code ip netns exec NS …}).
 */
public final class SelfLauncher {
    private SelfLauncher() {}

    public static List<String> command(String... uarpdArgs) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) classPath.add(Path.of(entry).toAbsolutePath().toString());
        }
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), Main.class.getName()));
        cmd.addAll(List.of(uarpdArgs));
        return cmd;
    }

    /** The options of packaging/uarpd.jvm-options (bundled in the jar): a uarpd started here runs as an installed one. */
    public static final List<String> JVM_OPTIONS = readOptions();

    private static List<String> readOptions() {
        try (InputStream in = SelfLauncher.class.getResourceAsStream("/uarpd.jvm-options")) {
            if (in == null) throw new IllegalStateException("uarpd.jvm-options is missing from the class path: rebuild the daemon module");
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                String option = line.strip();
                if (!option.isEmpty() && !option.startsWith("#")) out.add(option);
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read uarpd.jvm-options from the class path", e);
        }
    }
}
