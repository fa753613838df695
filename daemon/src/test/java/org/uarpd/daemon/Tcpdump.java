package org.uarpd.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.uarpd.linux.NamespaceLab;

/** Starting tcpdump in a namespace for the wire captures of the namespace tests ({@link ArpCapture}, {@link NdCapture}). */
final class Tcpdump {
    private Tcpdump() {}

    /**
     * Runs {@code tcpdump -i dev ARGS} in {@code ns} with its output to {@code out} and returns once it
     * says it listens; every line it writes to stderr (its start and its closing counts) goes to
     * {@code said}. When it does not start listening within 10 s, it is killed, {@code file} (the
     * capture's file) deleted, and the failure names what tcpdump said.
     */
    static Process start(NamespaceLab lab, String ns, String dev, ProcessBuilder.Redirect out, Path file, List<String> said, String... args)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("tcpdump", "-i", dev));
        command.addAll(List.of(args));
        Process p = lab.start(ns, out, ProcessBuilder.Redirect.PIPE, command.toArray(String[]::new));
        CountDownLatch listening = new CountDownLatch(1);
        Thread.ofPlatform().daemon().name("tcpdump-stderr").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    said.add(line);
                    if (line.contains("listening on")) listening.countDown();
                }
            } catch (IOException ignored) {
                // tcpdump is gone
            }
            listening.countDown();
        });
        if (!listening.await(10, TimeUnit.SECONDS) || !p.isAlive()) {
            p.destroyForcibly();
            Files.deleteIfExists(file);
            throw new AssertionError("tcpdump did not start listening on " + dev + ": " + said);
        }
        return p;
    }
}
