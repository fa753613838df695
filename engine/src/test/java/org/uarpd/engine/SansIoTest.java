package org.uarpd.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine is sans-I/O (docs/ARCHITECTURE.md). Its inputs and actions are closed (sealed) sets, and its code
 * reads no clock, starts no thread and opens no socket — time comes in with every call — so the
 * Linux backend and the simulator drive the very same code and every behaviour runs on a manual clock.
 */
class SansIoTest {
    /** What would make the engine depend on the world: clocks, threads, locks, sockets, unseeded randomness. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now|LocalDate(Time)?\\.now|java\\.time\\.Clock"
                    + "|\\bThread\\b|Executor|java\\.util\\.concurrent|\\bsynchronized\\b|java\\.net\\.|java\\.nio\\.channels"
                    + "|Math\\.random|ThreadLocalRandom|new Random\\(");

    @Test
    @DisplayName("inputs and actions are sealed: a backend handles every case a switch can name")
    void sealedContracts() {
        assertThat(Input.class.isSealed()).isTrue();
        assertThat(Action.class.isSealed()).isTrue();
        assertThat(names(Input.class.getPermittedSubclasses())).contains("KernelMiss", "FrameReceived", "AddressAdded",
                "AddressRemoved", "LinkChanged", "KernelNeighborChanged", "Command", "TimeAdvanced");
        assertThat(names(Action.class.getPermittedSubclasses())).contains("Transmit", "InstallNeighbor", "RemoveNeighbor",
                "AddHostRoute", "RemoveHostRoute", "Emit");
    }

    @Test
    @DisplayName("no clock, thread, lock or socket anywhere in the engine's code")
    void noClockThreadOrSocket() throws IOException {
        Path sources = Path.of("src/main/java/org/uarpd/engine");
        assertThat(sources).as("engine sources (the test runs in the engine module's directory)").isDirectory();
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(sources)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
                files++;
                String[] lines = stripComments(Files.readString(f)).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (FORBIDDEN.matcher(lines[i]).find()) offences.add(f + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
        }
        assertThat(files).as("engine source files found").isGreaterThan(20);
        assertThat(offences).as("sans-I/O: the engine is handed time and frames, it never fetches them").isEmpty();
    }

    @Test
    @DisplayName("the scan itself sees what it forbids (so an empty result means something)")
    void scanCatchesOffences() {
        assertThat(FORBIDDEN.matcher("long t = System.nanoTime();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("new Thread(r).start();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("import java.net.DatagramSocket;").find()).isTrue();
        assertThat(FORBIDDEN.matcher(stripComments("int a; // System.nanoTime() would be wrong\n/* Thread */ int b;"))
                .find()).isFalse();
    }

    /** Removes comments (which may well talk about clocks) but keeps line numbers. */
    static String stripComments(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '"') {
                int end = i + 1;
                while (end < src.length() && src.charAt(end) != '"') end += src.charAt(end) == '\\' ? 2 : 1;
                out.append(src, i, Math.min(end + 1, src.length()));
                i = end + 1;
            } else if (src.startsWith("//", i)) {
                while (i < src.length() && src.charAt(i) != '\n') i++;
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
                for (int k = i; k < end; k++) if (src.charAt(k) == '\n') out.append('\n');
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static List<String> names(Class<?>[] classes) {
        return Arrays.stream(classes).map(Class::getSimpleName).toList();
    }
}
