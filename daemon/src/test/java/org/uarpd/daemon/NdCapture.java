package org.uarpd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;

/**
 * The NS and NA frames on one interface as tcpdump prints them ({@code -v}: with the NA's flags),
 * captured in that interface's namespace. Needs tcpdump; fails saying so when it is missing.
 */
final class NdCapture implements AutoCloseable {
    private final Process tcpdump;
    private final Path file;
    private final List<String> said;

    private NdCapture(Process tcpdump, Path file, List<String> said) {
        this.tcpdump = tcpdump;
        this.file = file;
        this.said = said;
    }

    /** Starts capturing NS/NA (ICMPv6 types 135 and 136) on {@code dev} in {@code ns}; returns once tcpdump listens. */
    static NdCapture start(NamespaceLab lab, String ns, String dev) throws IOException, InterruptedException {
        assertThat(NamespaceLab.run(List.of("sh", "-c", "command -v tcpdump")).exitCode()).as("tcpdump is needed: apt-get install tcpdump").isZero();
        Path file = Files.createTempFile("uarpd-nd", ".txt");
        List<String> said = new CopyOnWriteArrayList<>();
        // -l: each line written as it is decoded; the filter reads the ICMPv6 type after a bare IPv6 header,
        // which NS and NA always have (RFC 4861 §7.1: no extension header in front of them on a link).
        Process p = Tcpdump.start(lab, ns, dev, ProcessBuilder.Redirect.to(file.toFile()), file, said,
                "-n", "-l", "-v", "icmp6 and (ip6[40] == 135 or ip6[40] == 136)");
        return new NdCapture(p, file, said);
    }

    /** The frames printed so far, a frame's continuation lines joined to it. */
    List<String> frames() {
        List<String> frames = new java.util.ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String line : lines) {
            if (!line.startsWith(" ") && !line.startsWith("\t") || frames.isEmpty()) frames.add(line.strip());
            else frames.set(frames.size() - 1, frames.getLast() + " " + line.strip());
        }
        return frames;
    }

    /** Stops the capture (SIGINT: tcpdump prints what it holds) and returns its lines, a frame's continuation lines joined to it. */
    List<String> stop() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(tcpdump.pid())).start().waitFor();
        assertThat(tcpdump.waitFor(10, TimeUnit.SECONDS)).as("tcpdump stops on SIGINT").isTrue();
        assertThat(String.join("; ", said)).as("tcpdump's count of frames it lost").contains(" 0 packets dropped by kernel");
        return frames();
    }

    @Override
    public void close() throws IOException {
        if (tcpdump.isAlive()) tcpdump.destroyForcibly();
        Files.deleteIfExists(file);
    }
}
