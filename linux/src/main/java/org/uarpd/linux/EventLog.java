package org.uarpd.linux;

/** Where the backend writes its one readable line per event. {@link #enabled()} false skips formatting entirely. */
public interface EventLog {
    boolean enabled();

    void line(long nowNanos, String text);

    EventLog SILENT = new EventLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void line(long nowNanos, String text) {}
    };
}
