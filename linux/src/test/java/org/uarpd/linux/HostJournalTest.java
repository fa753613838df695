package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.engine.LinkMode;

/** The undo journal's sysctl half, over a directory standing in for /proc/sys (no privilege needed). */
class HostJournalTest {
    @TempDir
    Path root;

    private final RecordingLog log = new RecordingLog();
    private final List<String> lines = log.lines;

    private void knob(String key, String value) throws Exception {
        Path p = root.resolve(key);
        Files.createDirectories(p.getParent());
        Files.writeString(p, value + "\n");
    }

    private String value(String key) throws Exception {
        return Files.readString(root.resolve(key)).strip();
    }

    private HostJournal journal() {
        return new HostJournal(null, null, new KernelSettings(root), log);
    }

    /** A journal that found each key at its value and set it to the next: {@code key, found, set, key, found, set, …}. */
    private HostJournal changed(String... keyFoundSet) throws Exception {
        HostJournal journal = journal();
        for (int i = 0; i + 2 < keyFoundSet.length; i += 3) {
            knob(keyFoundSet[i], keyFoundSet[i + 1]);
            journal.setSysctl(keyFoundSet[i], keyFoundSet[i + 2]);
        }
        return journal;
    }

    /** A successor's journal: what {@code handed} exported, adopted (no sockets travel in these tests). */
    private HostJournal adopted(HostJournal.Exported handed) {
        return HostJournal.adopt(null, null, new KernelSettings(root), log, handed.lines(), handed.fds());
    }

    @Test
    void everySysctlGoesBackToTheValueFoundBeforeTheFirstChange() throws Exception {
        String ignore = KernelSettings.conf("u0", "arp_ignore");
        String solicit = KernelSettings.neigh("u0", "app_solicit");
        HostJournal journal = changed(ignore, "0", "8", solicit, "0", "1");
        journal.setSysctl(solicit, "3"); // a second change: the value to restore is still the first one found
        assertThat(value(ignore)).isEqualTo("8");
        assertThat(value(solicit)).isEqualTo("3");
        assertThat(journal.undoAll()).isEmpty();
        assertThat(value(ignore)).isEqualTo("0");
        assertThat(value(solicit)).isEqualTo("0");
        assertThat(lines).contains("restored every kernel setting uarpd changed");
        // Undone once: a second undo writes nothing (the knob a user changed since stays as it is).
        knob(ignore, "2");
        assertThat(journal.undoAll()).isEmpty();
        assertThat(value(ignore)).isEqualTo("2");
    }

    @Test
    void assistModeTakesOverOnlyAppSolicit() throws Exception {
        String solicit = KernelSettings.neigh("u0", "app_solicit");
        knob(solicit, "0");
        HostJournal journal = journal();
        InterfaceTakeover.apply(journal, "u0", 3, LinkMode.ASSIST, log);
        assertThat(value(solicit)).isEqualTo("1");
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("no other knob was created or touched").isEqualTo(1);
        }
        journal.undoAll();
        assertThat(value(solicit)).isEqualTo("0");
    }

    @Test
    void aSysctlThatCannotBeWrittenBackIsReportedAndTheOthersStillAre() throws Exception {
        String a = KernelSettings.conf("u0", "arp_ignore");
        String b = KernelSettings.conf("u0", "arp_accept");
        HostJournal journal = changed(a, "0", "8", b, "1", "0");
        Files.delete(root.resolve(b));
        Files.createDirectory(root.resolve(b)); // a directory cannot be written as a file
        List<String> failed = journal.undoAll();
        assertThat(failed).singleElement().asString().contains("arp_accept");
        assertThat(value(a)).isEqualTo("0");
        assertThat(lines).noneMatch(l -> l.equals("restored every kernel setting uarpd changed"))
                .anyMatch(l -> l.startsWith("could not restore:") && l.contains("arp_accept"));
    }

    @Test
    void aProcSysValueIsReadWhole() throws Exception {
        // /proc/sys files report size 0; gc_thresh3 is at least two digits in every namespace (1024 by default).
        String key = "net/ipv4/neigh/default/gc_thresh3";
        String whole = new String(new ProcessBuilder("cat", "/proc/sys/" + key).start().getInputStream().readAllBytes()).strip();
        assertThat(whole).hasSizeGreaterThan(1);
        assertThat(new KernelSettings().read(key)).isEqualTo(whole);
    }

    @Test
    void aVanishedInterfaceIsSkippedWithOneLineNamingIt() throws Exception {
        String solicit = KernelSettings.neigh("u1", "app_solicit");
        String ignore = KernelSettings.conf("u1", "arp_ignore");
        HostJournal journal = changed(solicit, "0", "1", ignore, "0", "8");
        Files.delete(root.resolve(solicit));
        Files.delete(root.resolve(ignore));
        assertThat(journal.undoAll()).isEmpty();
        assertThat(lines).containsExactly("u1 is gone (its settings went with it): nothing to restore there");
    }

    @Test
    void writingToAVanishedInterfaceSaysItIsGoneNotPrivileges() {
        KernelSettings settings = new KernelSettings(root);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> settings.write(KernelSettings.conf("u9", "arp_ignore"), "8"))
                .hasMessageContaining("u9 is gone (its settings went with it)")
                .hasMessageNotContaining("CAP_NET_ADMIN");
    }

    @Test
    void aForgottenInterfaceIsNotRestored() throws Exception {
        String solicit = KernelSettings.neigh("u2", "app_solicit");
        HostJournal journal = changed(solicit, "0", "1");
        journal.releaseLink("u2", 7, null);
        assertThat(lines).containsExactly("u2 is gone (its settings went with it): nothing to restore there");
        assertThat(journal.undoAll()).isEmpty();
        assertThat(value(solicit)).isEqualTo("1");
    }

    @Test
    void aRenamedInterfaceGetsItsValuesBackUnderItsNewName() throws Exception {
        String solicit = KernelSettings.neigh("u3", "app_solicit");
        HostJournal journal = changed(solicit, "0", "1");
        Files.createDirectories(root.resolve("net/ipv4/neigh/v3"));
        Files.createDirectories(root.resolve("net/ipv4/conf/v3"));
        Files.move(root.resolve(solicit), root.resolve(KernelSettings.neigh("v3", "app_solicit")));
        journal.releaseLink("u3", 7, "v3");
        assertThat(value(KernelSettings.neigh("v3", "app_solicit"))).isEqualTo("0");
        assertThat(journal.undoAll()).isEmpty();
        assertThat(lines).isEmpty();
    }

    @Test
    void aSuccessorCarriesTheJournalOnAndTheOldOneLetsGoWithoutUndoing() throws Exception {
        String ignore = KernelSettings.conf("u0", "arp_ignore");
        String solicit = KernelSettings.neigh("u0", "app_solicit");
        String later = KernelSettings.conf("u0", "arp_accept");
        HostJournal old = changed(ignore, "0", "8", solicit, "0 1", "3"); // a value with a space travels whole
        knob(later, "1");
        HostJournal.Exported handed = old.export();
        assertThat(handed.lines()).containsExactly("sysctl " + ignore + " 0", "sysctl " + solicit + " 0 1");
        assertThat(handed.fds()).isEmpty();
        old.setSysctl(later, "0"); // after the export: the successor never learns of it

        HostJournal successor = adopted(handed);
        old.release();
        assertThat(value(ignore)).as("left in place for the successor").isEqualTo("8");
        assertThat(value(solicit)).isEqualTo("3");
        assertThat(value(later)).as("what the successor does not know is put back by the old one").isEqualTo("1");
        successor.setSysctl(solicit, "3"); // taking the link over again finds the value recorded already
        assertThat(successor.undoAll()).isEmpty();
        assertThat(value(ignore)).as("the successor restores the values found before the first uarpd").isEqualTo("0");
        assertThat(value(solicit)).isEqualTo("0 1");
    }

    @Test
    void aSuccessorThatGivesUpBeforeServingLeavesItsPredecessorsChangesInPlace() throws Exception {
        String ignore = KernelSettings.conf("u0", "arp_ignore");
        HostJournal old = changed(ignore, "0", "8");
        adopted(old.export()).release();
        assertThat(value(ignore)).as("the predecessor still serves with it").isEqualTo("8");
        old.undoAll();
        assertThat(value(ignore)).isEqualTo("0");
    }

    @Test
    void reassertMakesEveryChangeAgainAfterADeadSuccessorsRestorerUndidThem() throws Exception {
        String ignore = KernelSettings.conf("u0", "arp_ignore");
        HostJournal old = changed(ignore, "0", "8");
        old.export();
        knob(ignore, "0"); // what the successor's crash restorer does when it dies
        old.reassert();
        assertThat(value(ignore)).isEqualTo("8");
        old.undoAll(); // nothing was handed over after all: an ordinary exit undoes everything
        assertThat(value(ignore)).isEqualTo("0");
    }

    /**
     * Two restarts in a row: the first successor adopts the journal and hands it on to a second one,
     * which dies after adopting it (its crash restorer puts the values found before the first uarpd
     * back). The first successor, still serving, makes every change again with the values its own
     * predecessor had written, which it never wrote itself; and its exit still restores the values
     * found before the first uarpd.
     */
    @Test
    void anAdoptedJournalReassertsThePredecessorsValuesAndRestoresTheFirstOnes() throws Exception {
        String ignore = KernelSettings.conf("u0", "arp_ignore");
        String solicit = KernelSettings.neigh("u0", "app_solicit");
        HostJournal first = changed(ignore, "0", "8", solicit, "0", "3");
        HostJournal second = adopted(first.export());
        first.release();
        second.export(); // to a third uarpd, which dies holding it
        knob(ignore, "0");
        knob(solicit, "0");
        second.reassert();
        assertThat(value(ignore)).as("made again as the first uarpd had made it").isEqualTo("8");
        assertThat(value(solicit)).isEqualTo("3");
        assertThat(second.undoAll()).isEmpty();
        assertThat(value(ignore)).as("the values found before the first uarpd").isEqualTo("0");
        assertThat(value(solicit)).isEqualTo("0");
    }

    @Test
    void anUnknownHandedChangeIsRefused() {
        assertThatThrownBy(() -> HostJournal.adopt(null, null, new KernelSettings(root), log, List.of("teleport u0"), new int[0]))
                .hasMessageContaining("unknown change 'teleport u0'");
    }
}
