package org.uarpd.daemon;

import org.slf4j.Logger;
import org.uarpd.linux.EventLog;

/**
 * The Linux loop's lines through SLF4J: lines about single packets, misses and installs at DEBUG
 * (so nothing on the packet path is even formatted at the default INFO), errors and warnings (address
 * conflicts, guard alerts) at WARN, the rest —
 * links, addresses, modes, restores — at INFO.
 */
final class Slf4jEventLog implements EventLog {
    private final Logger log;

    Slf4jEventLog(Logger log) {
        this.log = log;
    }

    @Override
    public boolean enabled() {
        return log.isInfoEnabled() || log.isWarnEnabled();
    }

    @Override
    public boolean packets() {
        return log.isDebugEnabled();
    }

    @Override
    public void line(long nowNanos, String text) {
        if (text.startsWith("error") || text.startsWith("could not") || text.startsWith("warning")) log.warn(text);
        else log.info(text);
    }

    @Override
    public void packet(long nowNanos, String text) {
        log.debug(text);
    }
}
