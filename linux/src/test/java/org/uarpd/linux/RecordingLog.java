package org.uarpd.linux;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventLog} that keeps every line, for tests to look at (from any thread). */
final class RecordingLog implements EventLog {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void line(long nowNanos, String text) {
        lines.add(text);
    }
}
