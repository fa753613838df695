package org.uarpd.daemon.config;

import java.util.List;

/** {@code [log]}: how much uarpd says. Nothing below INFO is logged on the packet path unless asked. */
public record LogSection(String level) {
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    public static final LogSection DEFAULT = new LogSection("info");

    static LogSection read(Fields f) {
        return new LogSection(f.choice("level", "a log level", LEVELS, DEFAULT.level));
    }
}
