package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The handover channel within one process: whole messages, descriptors passed as new ones, only the expected peer accepted. */
class HandoverChannelTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void messagesArriveWholeWithCopiesOfTheDescriptors() {
        long self = ProcessHandle.current().pid();
        int eventfd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try (HandoverChannel.Listener listener = new HandoverChannel.Listener();
             HandoverChannel successor = HandoverChannel.connect(listener.name());
             HandoverChannel running = listener.accept(self, SECOND, () -> true)) {
            assertThat(running).isNotNull();
            assertThat(running.peerPid()).isEqualTo(self);
            successor.send(HandoverChannel.READY + " 42 u0:authoritative");
            running.send(HandoverChannel.HOST + " 1\nsysctl net/ipv4/conf/u0/arp_ignore 0", eventfd);
            HandoverChannel.Message ready = running.receive(SECOND);
            assertThat(ready.verb()).isEqualTo(HandoverChannel.READY);
            assertThat(ready.rest()).isEqualTo("42 u0:authoritative");
            HandoverChannel.Message host = successor.receive(SECOND);
            assertThat(host.text()).isEqualTo("host 1\nsysctl net/ipv4/conf/u0/arp_ignore 0");
            assertThat(host.fds()).hasSize(1);
            assertThat(host.fds()[0]).as("a new descriptor for the same file").isNotEqualTo(eventfd).isPositive();
            Libc.close(host.fds()[0]);
            assertThatThrownBy(() -> successor.receive(SECOND / 10)).hasMessageContaining("no word from the other uarpd");
            running.close();
            assertThat(successor.receive(SECOND)).as("the end of the connection").isNull();
        } finally {
            Libc.close(eventfd);
        }
    }

    @Test
    void aConnectionFromAnotherProcessIsNotTheSuccessor() {
        try (HandoverChannel.Listener listener = new HandoverChannel.Listener();
             HandoverChannel stranger = HandoverChannel.connect(listener.name())) {
            long otherPid = ProcessHandle.current().pid() + 1;
            assertThat(listener.accept(otherPid, SECOND / 5, () -> true)).isNull();
            assertThat(stranger.receive(SECOND)).as("closed by the listener").isNull();
        }
    }
}
