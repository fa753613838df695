package org.uarpd.linux;

import java.util.function.Consumer;

/**
 * What the {@link KernelTranslator} asks of the host when a configured interface goes or comes back:
 * its takeover made again, or let go of, through the {@link HostHold}'s journal; its packet sockets
 * opened or closed; the loop's poll set rebuilt.
 */
final class LinkRecovery implements KernelTranslator.Host {
    private final HostHold host;
    private final EventLog log;
    private final Runnable rebuildPollSet;
    private final Consumer<String> resync;

    LinkRecovery(HostHold host, EventLog log, Runnable rebuildPollSet, Consumer<String> resync) {
        this.host = host;
        this.log = log;
        this.rebuildPollSet = rebuildPollSet;
        this.resync = resync;
    }

    @Override
    public boolean takeBack(LinkTable.Entry l) {
        try {
            host.journal().awaitLink(l.name);
            InterfaceTakeover.apply(host.journal(), l.name, l.index, l.mode, log);
            l.openSockets();
        } catch (RuntimeException e) {
            LogLines.note(log, "error: cannot take %s back: %s", l.name, e.getMessage());
            l.closeSockets();
            return false;
        }
        rebuildPollSet.run();
        return true;
    }

    @Override
    public void released(LinkTable.Entry l, String renamedTo) {
        l.closeSockets();
        host.journal().releaseLink(l.name, l.index, renamedTo);
        rebuildPollSet.run();
    }

    @Override
    public void resync(String why) {
        resync.accept(why);
    }
}
