package org.uarpd.daemon;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another uarpd in a fresh JVM: the same java, the same class path, with
 * native access enabled. Used by {@code lab}, the end-to-end tests and the benchmark drivers to run
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
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Xshare:auto", "-cp", String.join(File.pathSeparator, classPath), Main.class.getName()));
        cmd.addAll(List.of(uarpdArgs));
        return cmd;
    }
}
