package org.uarpd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.Main;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.Uarpctl;
import org.uarpd.linux.NamespaceLab;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The .deb as dpkg sees it, and its files unpacked (dpkg-deb -x) and used without installing. */
class PackageContentsTest {
    /** Paths the package must install; the round trip checks that purge takes every one away. */
    static final List<String> EXPECTED = List.of(
            "/usr/bin/uarpd", "/usr/bin/uarpctl",
            "/usr/lib/uarpd/bin/uarpd", "/usr/lib/uarpd/bin/uarpctl", "/usr/lib/uarpd/jvm-options",
            "/usr/lib/uarpd/uarpd.aot", "/usr/lib/uarpd/runtime/bin/java", "/usr/lib/uarpd/runtime/lib/modules",
            "/usr/lib/systemd/system/uarpd.service", "/etc/uarpd/uarpd.toml",
            "/usr/share/man/man8/uarpd.8.gz", "/usr/share/man/man8/uarpd-run.8.gz", "/usr/share/man/man8/uarpctl.8.gz",
            "/usr/share/man/man5/uarpd.toml.5.gz",
            "/usr/share/bash-completion/completions/uarpd", "/usr/share/bash-completion/completions/uarpctl");

    static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        Built.requireTool("dpkg-deb", "dpkg");
        root = Files.createTempDirectory("uarpd-deb");
        Built.ok("dpkg-deb", "-x", Built.deb().toString(), root.toString());
    }

    @AfterAll
    static void clean() {
        Built.deleteTree(root);
    }

    /** Every path in the package (dpkg-deb -c), without the leading "." and any symlink target. */
    static Set<String> listing() {
        Set<String> paths = new LinkedHashSet<>();
        for (String line : Built.ok("dpkg-deb", "-c", Built.deb().toString()).split("\n")) {
            String[] f = line.split("\\s+", 6);
            String path = f[5].replaceFirst(" -> .*$", "").substring(1);
            paths.add(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path);
        }
        return paths;
    }

    @Test
    void everyExpectedPathIsInThePackageAndNothingOutsideUsrAndEtc() throws Exception {
        Set<String> paths = listing();
        assertThat(paths).containsAll(EXPECTED);
        assertThat(paths).allMatch(p -> p.equals("/") || p.startsWith("/usr") || p.startsWith("/etc"));
        assertThat(paths).noneMatch(p -> p.startsWith("/usr/local"));
        assertThat(root.resolve("usr/bin/uarpd")).isSymbolicLink();
        assertThat(root.resolve("usr/bin/uarpd").toRealPath()).isEqualTo(root.resolve("usr/lib/uarpd/bin/uarpd").toRealPath());
        assertThat(root.resolve("usr/bin/uarpctl").toRealPath()).isEqualTo(root.resolve("usr/lib/uarpd/bin/uarpctl").toRealPath());
    }

    @Test
    void controlFieldsConffilesAndMaintainerScripts() throws Exception {
        String deb = Built.deb().toString();
        String version = System.getProperty("uarpd.version");
        assertThat(version).as("surefire passes the project version").isNotBlank();
        assertThat(Built.ok("dpkg-deb", "-f", deb, "Package").strip()).isEqualTo("uarpd");
        assertThat(Built.ok("dpkg-deb", "-f", deb, "Version").strip()).isEqualTo(version.replace('-', '~')).isEqualTo(Built.debianVersion());
        assertThat(Built.ok("dpkg-deb", "-f", deb, "Architecture").strip()).isEqualTo("amd64");
        assertThat(Built.ok("dpkg-deb", "-f", deb, "Depends").strip()).contains("adduser").contains("passwd")
                .as("the crash restorer puts addresses and routes back with ip").contains("iproute2");
        assertThat(Built.ok("dpkg-deb", "-I", deb, "conffiles")).isEqualTo("/etc/uarpd/uarpd.toml\n");
        Path control = Files.createTempDirectory("uarpd-control");
        try {
            Built.ok("dpkg-deb", "-e", deb, control.toString());
            for (String script : List.of("postinst", "prerm", "postrm")) {
                Path s = control.resolve(script);
                assertThat(Files.isExecutable(s)).as(script + " executable").isTrue();
                assertThat(Built.run("sh", "-n", s.toString()).exitCode()).as(script + " parses").isZero();
            }
            // An upgrade hands a running uarpd over without a gap; the stop-then-start only if that fails.
            String postinst = Files.readString(control.resolve("postinst"));
            assertThat(postinst).contains("/usr/bin/uarpctl restart");
            assertThat(postinst.indexOf("try-restart")).as("try-restart is the fallback").isGreaterThan(postinst.indexOf("/usr/bin/uarpctl restart"));
            // md5sums covers every regular file under /usr (conffiles are tracked by dpkg itself).
            long files = listing().stream().filter(p -> p.startsWith("/usr/")).filter(p -> Files.isRegularFile(root.resolve(p.substring(1)),
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)).count();
            assertThat(Files.readAllLines(control.resolve("md5sums"))).hasSize((int) files);
            assertThat(Built.run("sh", "-c", "cd " + root + " && md5sum --quiet -c " + control.resolve("md5sums")).exitCode()).isZero();
        } finally {
            Built.deleteTree(control);
        }
    }

    @Test
    void theRuntimeHasOnlyWhatUarpdUsesAndRunsWithoutAJdk() throws Exception {
        Path app = root.resolve("usr/lib/uarpd");
        Set<String> modules = new LinkedHashSet<>();
        for (String line : Built.ok(app.resolve("runtime/bin/java").toString(), "--list-modules").split("\n")) modules.add(line.split("@")[0]);
        assertThat(modules).containsExactlyInAnyOrder("java.base", "java.management", "jdk.httpserver", "jdk.unsupported");
        assertThat(app.resolve("runtime/include")).doesNotExist();
        assertThat(app.resolve("runtime/man")).doesNotExist();
        // No JDK, no Maven, no checkout on the path: only the unpacked tree.
        String bin = app.resolve("bin").toString();
        NamespaceLab.Result version = Built.run("env", "-i", "PATH=/usr/bin:/bin", bin + "/uarpd", "--version");
        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("uarpd ");
        // JSON (Jackson) and the pcap reader, with nothing but the bundled runtime.
        NamespaceLab.Result decode = Built.run("env", "-i", "PATH=/usr/bin:/bin", bin + "/uarpd", "decode", "-j",
                Path.of("..", "samples", "arp-sample.pcapng").toAbsolutePath().toString());
        assertThat(decode.exitCode()).as(decode.err()).isZero();
        assertThat(decode.out()).contains("\"op\"");
        NamespaceLab.Result ctl = Built.run("env", "-i", "PATH=/usr/bin:/bin", bin + "/uarpctl", "--help");
        assertThat(ctl.exitCode()).as(ctl.err()).isZero();
        assertThat(ctl.out()).contains("Usage: uarpctl");
    }

    /**
     * The AOT cache the build trained is the one the launcher uses, from wherever the tree is unpacked:
     * with {@code -XX:AOTMode=on} a JVM that cannot map it (another class path, runtime or option set)
     * fails instead of starting without it.
     */
    @Test
    void theLauncherStartsFromThePackagedAotCache() {
        String bin = root.resolve("usr/lib/uarpd/bin").toString();
        NamespaceLab.Result r = Built.run("env", "-i", "PATH=/usr/bin:/bin", "JAVA_TOOL_OPTIONS=-XX:AOTMode=on -Xlog:aot=error",
                bin + "/uarpd", "--version");
        assertThat(r.exitCode()).as("uarpd --version with the cache required: " + r.err()).isZero();
        assertThat(r.out()).startsWith("uarpd ");
    }

    /**
     * picocli ships as Java 5 class files, which an AOT cache cannot hold; the build upgrades the
     * packaged copy (packaging/ClassFileUpgrade.java), so every picocli class a command loads comes
     * from the cache, verified and linked when the cache was made.
     */
    @Test
    void picocliIsLoadedFromTheAotCache() {
        String bin = root.resolve("usr/lib/uarpd/bin").toString();
        NamespaceLab.Result r = Built.run("env", "-i", "PATH=/usr/bin:/bin", "JAVA_TOOL_OPTIONS=-Xlog:class+load=info:stdout",
                bin + "/uarpd", "--version");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> picocli = r.out().lines().filter(l -> l.contains(" picocli.")).toList();
        assertThat(picocli).as("picocli classes loaded by uarpd --version").hasSizeGreaterThan(10)
                .allSatisfy(l -> assertThat(l).endsWith("source: shared objects file"));
    }

    /** A man page rendered by man(1) as plain ASCII, failing on any troff warning. */
    static String render(Path page) {
        NamespaceLab.Result r = Built.run("env", "LC_ALL=C", "MANWIDTH=200", "man", "--warnings", "-l", page.toString());
        assertThat(r.exitCode()).as("man -l " + page + ": " + r.err()).isZero();
        assertThat(r.err()).as("troff warnings for " + page).isEmpty();
        return r.out().replaceAll(".\b", "");
    }

    @Test
    void manPagesRenderAndFollowThePicocliModel() {
        Built.requireTool("man", "man-db");
        checkPages(new CommandLine(new Main()), "uarpd");
        checkPages(new CommandLine(new Uarpctl()), "uarpctl");
        String toml = render(root.resolve("usr/share/man/man5/uarpd.toml.5.gz"));
        assertThat(toml).startsWith("UARPD.TOML(5)").contains("NAME\n       uarpd.toml - configuration file");
    }

    /** A page per command and subcommand, in section 8, naming every option the command has. */
    static void checkPages(CommandLine cli, String page) {
        String text = render(root.resolve("usr/share/man/man8/" + page + ".8.gz"));
        assertThat(text).startsWith(page.toUpperCase() + "(8)").contains("NAME\n       " + page + " - ");
        CommandSpec spec = cli.getCommandSpec();
        for (OptionSpec o : spec.options()) assertThat(text).as(page + "(8) documents " + o.longestName()).contains(o.longestName());
        for (var sub : cli.getSubcommands().entrySet()) {
            assertThat(text).as(page + "(8) lists " + sub.getKey()).contains(sub.getKey());
            checkPages(sub.getValue(), page + "-" + sub.getKey());
        }
    }

    @Test
    void theConfigPageNamesEveryKeyOfTheSampleConfig() throws Exception {
        String text = render(root.resolve("usr/share/man/man5/uarpd.toml.5.gz"));
        Pattern key = Pattern.compile("^(?:#\\s*)?([a-z][a-z-]*)\\s*=");
        Pattern table = Pattern.compile("^(?:#\\s*)?(\\[\\[?[a-z0-9.]+\\]\\]?)");
        List<String> missing = new ArrayList<>();
        for (String line : Files.readAllLines(Built.SAMPLE_CONFIG)) {
            Matcher k = key.matcher(line);
            Matcher t = table.matcher(line);
            // Table names head sections, which man pages print in capitals.
            if (k.find() && !text.contains(k.group(1))) missing.add(k.group(1));
            else if (t.find() && !text.toLowerCase(java.util.Locale.ROOT).contains(t.group(1).replace(".eth0", ".name"))) missing.add(t.group(1));
        }
        assertThat(missing).as("keys of packaging/uarpd.toml that uarpd.toml(5) does not describe").isEmpty();
    }

    @Test
    void theConffileIsTheSampleWithItsExampleLinksCommentedOut() throws Exception {
        Path conffile = root.resolve("etc/uarpd/uarpd.toml");
        List<String> sample = Files.readAllLines(Built.SAMPLE_CONFIG);
        List<String> shipped = Files.readAllLines(conffile);
        assertThat(shipped).hasSameSizeAs(sample);
        for (int i = 0; i < sample.size(); i++) {
            assertThat(shipped.get(i)).as("line " + (i + 1)).isIn(sample.get(i), "# " + sample.get(i));
        }
        UarpdConfig installed = UarpdConfig.load(conffile);
        UarpdConfig full = UarpdConfig.load(Built.SAMPLE_CONFIG);
        assertThat(full.links()).isNotEmpty();
        assertThat(installed.links()).as("an installed uarpd takes over no interface by itself").isEmpty();
        assertThat(installed.engineConfig(1).timers()).isEqualTo(full.engineConfig(1).timers());
        assertThat(installed.control()).isEqualTo(full.control());
        assertThat(installed.log()).isEqualTo(full.log());
    }

    /** What bash completes {@code line} to, with the package's completion script loaded. */
    static String complete(String command, String line) {
        Path script = root.resolve("usr/share/bash-completion/completions/" + command);
        String words = line.endsWith(" ") ? line + "''" : line;
        String program = "source " + script + "; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_" + command + "; printf '%s\\n' \"${COMPREPLY[@]}\"";
        return Built.ok("bash", "-c", program);
    }

    @Test
    void completionIsRegisteredForBothCommandsAndCompletesFromTheModel() {
        for (String command : List.of("uarpd", "uarpctl")) {
            Path script = root.resolve("usr/share/bash-completion/completions/" + command);
            assertThat(Built.ok("bash", "-c", "source " + script + " && complete -p " + command))
                    .contains("-F _complete_" + command + " ").endsWith(" " + command + "\n");
        }
        assertThat(complete("uarpd", "uarpd ").split("\n")).contains("run", "lab", "decode", "sim");
        assertThat(complete("uarpd", "uarpd run --inter").strip()).isEqualTo("--interface");
        assertThat(complete("uarpctl", "uarpctl sh").strip()).isEqualTo("show");
    }
}
