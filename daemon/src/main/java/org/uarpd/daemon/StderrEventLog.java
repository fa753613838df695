package org.uarpd.daemon;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import org.uarpd.linux.EventLog;

/** One line per event on stderr, stamped with the wall-clock time to the microsecond. */
final class StderrEventLog implements EventLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");
    private final PrintStream out;

    StderrEventLog(PrintStream out) {
        this.out = out;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void line(long nowNanos, String text) {
        out.println(TIME.format(LocalTime.now()) + " " + text);
    }
}
