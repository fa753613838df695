package org.uarpd.linux;

/** Where the backend writes its one readable line per event. {@link #enabled()} false skips formatting entirely. */
public interface EventLog {
    boolean enabled();

    void line(long nowNanos, String text);

    /**
     * Whether lines about single packets, misses and installs are wanted (the hot path). By default
     * as {@link #enabled()}; a log that keeps them below its threshold says false, so the loop does
     * not even format them.
     */
    default boolean packets() {
        return enabled();
    }

    /** One line about a single packet, miss or install (only called when {@link #packets()}). */
    default void packet(long nowNanos, String text) {
        line(nowNanos, text);
    }

    EventLog SILENT = new EventLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void line(long nowNanos, String text) {}
    };
}
