package org.uarpd.sim;

import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;

/**
 * The readable account of a run: one line per thing that happened, stamped with virtual time.
 * Lines are kept (for tests and determinism checks) and may also be streamed as they happen.
 */
public final class Timeline {
    private final Simulation sim;
    private final List<String> lines = new ArrayList<>();
    private boolean enabled = true;
    private Consumer<String> echo;

    public Timeline(Simulation sim) {
        this.sim = sim;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Also hand every line to {@code out} as it is logged (null to stop). */
    public void echoTo(Consumer<String> out) {
        this.echo = out;
    }

    public void log(String who, String what) {
        if (!enabled) return;
        String line = String.format("%12s  %-10s %s", Simulation.formatTime(sim.now()), who, what);
        lines.add(line);
        if (echo != null) echo.accept(line);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines containing {@code text}. */
    public List<String> grep(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
