package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop (SIGTERM) while the host is being handed to a successor: nothing is undone from under it. */
class HostHoldTest {
    private static final long SECOND = 1_000_000_000L;
    private static final String LINKS = "u0:authoritative";

    @TempDir
    Path root;

    private final String ignore = KernelSettings.conf("u0", "arp_ignore");

    private String value() throws Exception {
        return Files.readString(root.resolve(ignore)).strip();
    }

    private static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + 10 * SECOND;
        while (t.getState() != Thread.State.WAITING && t.isAlive() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(t.getState()).as("the stop waits for the handover to be decided").isEqualTo(Thread.State.WAITING);
    }

    private void handOverThenStop(boolean successorServes) throws Exception {
        Files.createDirectories(root.resolve(ignore).getParent());
        Files.writeString(root.resolve(ignore), "0\n");
        RecordingLog log = new RecordingLog();
        HostJournal journal = new HostJournal(null, null, new KernelSettings(root), log);
        journal.setSysctl(ignore, "8");
        HostHold hold = new HostHold(log, journal, InterfaceLocks.adopt(new int[0]));
        try (HandoverChannel.Listener listener = new HandoverChannel.Listener();
             HandoverChannel successor = HandoverChannel.connect(listener.name());
             HandoverChannel running = listener.accept(ProcessHandle.current().pid(), SECOND, () -> true)) {
            hold.handOver(running, LINKS, LINKS);
            assertThat(successor.receive(SECOND).text()).isEqualTo("host 0\nsysctl " + ignore + " 0");
            Thread stop = Thread.ofPlatform().name("test-stop").start(hold::handBack); // SIGTERM meanwhile
            awaitBlocked(stop);
            assertThat(value()).as("the successor's host is left alone while undecided").isEqualTo("8");
            if (successorServes) hold.handedOver();
            else hold.handOverAbandoned();
            stop.join(10_000);
            assertThat(stop.isAlive()).as("decided: the stop goes on").isFalse();
        }
    }

    @Test
    void aStopDuringAHandOverThatSucceedsLeavesTheHostToTheSuccessor() throws Exception {
        handOverThenStop(true);
        assertThat(value()).as("the successor serves with it").isEqualTo("8");
    }

    @Test
    void aStopDuringAHandOverThatIsAbandonedUndoesTheHost() throws Exception {
        handOverThenStop(false);
        assertThat(value()).as("this uarpd kept the host, and stops as any uarpd does").isEqualTo("0");
    }

    @Test
    void withoutAHandOverAStopUndoesAtOnce() throws Exception {
        Files.createDirectories(root.resolve(ignore).getParent());
        Files.writeString(root.resolve(ignore), "0\n");
        RecordingLog log = new RecordingLog();
        HostJournal journal = new HostJournal(null, null, new KernelSettings(root), log);
        journal.setSysctl(ignore, "8");
        new HostHold(log, journal, InterfaceLocks.adopt(new int[0])).handBack();
        assertThat(value()).isEqualTo("0");
    }
}
