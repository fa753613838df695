package org.uarpd.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd's side played by a real AF_UNIX datagram socket bound where $NOTIFY_SOCKET points: every
 * datagram is read back and compared byte for byte, in order.
 */
class SystemdNotifyTest {
    /** A bound SOCK_DGRAM socket standing in for the service manager. */
    static final class Listener implements AutoCloseable {
        final int fd;

        Listener(String name) {
            fd = Libc.socket(SystemdNotify.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "socket(AF_UNIX, SOCK_DGRAM)", null);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment address = a.allocate(SystemdNotify.SUN_PATH_OFFSET + SystemdNotify.SUN_PATH_SIZE);
                int length = SystemdNotify.socketAddress(name, address);
                Libc.bind(fd, address, length, "bind(" + name + ")", null);
            } catch (RuntimeException e) {
                Libc.close(fd);
                throw e;
            }
        }

        /** The next datagram, waiting up to five seconds for it. */
        String receive() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment poll = a.allocate(Libc.POLLFD_SIZE);
                poll.set(ValueLayout.JAVA_INT, 0, fd);
                poll.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                MemorySegment buf = a.allocate(4096);
                while (true) {
                    long n = Libc.tryRecvfrom(fd, buf, buf.byteSize(), Libc.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
                    if (n >= 0) return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                    assertThat(n).as("recvfrom").isEqualTo(-Errno.EAGAIN);
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    assertThat(left).as("a notification within 5 s").isPositive();
                    Libc.tryPoll(poll, 1, (int) left);
                }
            }
        }

        /** Whether a datagram is waiting (nothing was sent that the test did not read). */
        boolean empty() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(16);
                return Libc.tryRecvfrom(fd, buf, 16, Libc.MSG_DONTWAIT | 0x2 /* MSG_PEEK */, MemorySegment.NULL, MemorySegment.NULL) == -Errno.EAGAIN;
            }
        }

        @Override
        public void close() {
            Libc.close(fd);
        }
    }

    static String abstractName() {
        return "@uarpd-notify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    /** The daemon's life: start, status, watchdog pings, a reload, a successor, stop. */
    static List<String> lifeCycle(SystemdNotify notify, Listener systemd) {
        List<String> got = new ArrayList<>();
        notify.status("warming up");
        got.add(systemd.receive());
        notify.ready();
        got.add(systemd.receive());
        assertThat(notify.watchdog()).isTrue();
        got.add(systemd.receive());
        notify.reloading();
        got.add(systemd.receive());
        notify.ready();
        got.add(systemd.receive());
        notify.mainPid(4242);
        got.add(systemd.receive());
        notify.send("STOPPING=1\nSTATUS=handing over");
        got.add(systemd.receive());
        notify.stopping();
        got.add(systemd.receive());
        assertThat(systemd.empty()).as("nothing else was sent").isTrue();
        return got;
    }

    static void assertLifeCycle(List<String> got, long before, long after) {
        assertThat(got).hasSize(8);
        assertThat(got.subList(0, 3)).containsExactly("STATUS=warming up", "READY=1", "WATCHDOG=1");
        assertThat(got.get(3)).matches("RELOADING=1\nMONOTONIC_USEC=\\d+");
        // systemd compares MONOTONIC_USEC with its own CLOCK_MONOTONIC, which System.nanoTime reads on Linux.
        long stamp = Long.parseLong(got.get(3).substring(got.get(3).indexOf('=', 12) + 1));
        assertThat(stamp).isBetween(before, after);
        assertThat(got.subList(4, 8)).containsExactly("READY=1", "MAINPID=4242", "STOPPING=1\nSTATUS=handing over", "STOPPING=1");
    }

    /** {@link #lifeCycle} through {@code notify} reaches a listener bound at {@code name}, exactly and in order. */
    static void lifeCycleArrivesInOrder(String name, SystemdNotify notify) {
        try (notify; Listener systemd = new Listener(name)) {
            assertThat(notify.enabled()).isTrue();
            long before = System.nanoTime() / 1000;
            List<String> got = lifeCycle(notify, systemd);
            assertLifeCycle(got, before, System.nanoTime() / 1000);
        }
    }

    @Test
    void aPathSocketGetsEveryNotificationInOrder(@TempDir Path dir) {
        String name = dir.resolve("notify").toString();
        lifeCycleArrivesInOrder(name, SystemdNotify.fromEnvironment(Map.of(SystemdNotify.NOTIFY_SOCKET, name)));
    }

    @Test
    void anAbstractSocketGetsEveryNotificationInOrder() {
        String name = abstractName();
        lifeCycleArrivesInOrder(name, SystemdNotify.open(name));
    }

    @Test
    void anAbstractNameIsMatchedByItsExactLength() {
        // "@x" and "@xy" are different sockets; a NUL-padded address would reach neither.
        String name = abstractName();
        try (Listener longer = new Listener(name + "y"); Listener exact = new Listener(name); SystemdNotify notify = SystemdNotify.open(name)) {
            notify.ready();
            assertThat(exact.receive()).isEqualTo("READY=1");
            assertThat(longer.empty()).isTrue();
        }
    }

    @Test
    void aStatusIsOneLine(@TempDir Path dir) {
        String name = dir.resolve("n").toString();
        try (Listener systemd = new Listener(name); SystemdNotify notify = SystemdNotify.open(name)) {
            notify.status("serving eth0\nand eth1");
            assertThat(systemd.receive()).isEqualTo("STATUS=serving eth0 and eth1");
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() {
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of(SystemdNotify.NOTIFY_SOCKET, ""))) {
            try (SystemdNotify notify = SystemdNotify.fromEnvironment(env)) {
                assertThat(notify.enabled()).isFalse();
                notify.ready();
                notify.reloading();
                notify.status("x");
                notify.stopping();
                notify.mainPid(1);
                assertThat(notify.watchdog()).isFalse();
            }
        }
    }

    @Test
    void nobodyListeningIsAnErrorNamingTheSocket(@TempDir Path dir) {
        String name = dir.resolve("gone").toString();
        try (SystemdNotify notify = SystemdNotify.open(name)) {
            assertThatThrownBy(notify::ready).isInstanceOf(NativeCallException.class)
                    .hasMessageContaining("NOTIFY_SOCKET=" + name).hasMessageContaining("ENOENT");
            assertThat(notify.watchdog()).isFalse();
        }
    }

    @Test
    void unusableAddressesAreRefusedWithTheVariableNamed() {
        assertThatThrownBy(() -> SystemdNotify.open("run/notify")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("NOTIFY_SOCKET=run/notify: expected an absolute path or @name");
        assertThatThrownBy(() -> SystemdNotify.open("vsock:2:1234")).hasMessageContaining("vsock");
        assertThatThrownBy(() -> SystemdNotify.open("@")).hasMessageContaining("1 to 107 bytes long, this one 0");
        assertThatThrownBy(() -> SystemdNotify.open("/" + "a".repeat(107))).hasMessageContaining("this one 108");
        assertThatThrownBy(() -> SystemdNotify.open("@" + "a".repeat(108))).hasMessageContaining("this one 108");
    }

    @Test
    void addressesAreLaidOutAsSockaddrUn() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(SystemdNotify.SUN_PATH_OFFSET + SystemdNotify.SUN_PATH_SIZE);
            assertThat(SystemdNotify.socketAddress("/run/n", out)).isEqualTo(2 + 6 + 1);
            assertThat(out.asSlice(0, 9).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 0, '/', 'r', 'u', 'n', '/', 'n', 0);
            assertThat(SystemdNotify.socketAddress("@ab", out)).isEqualTo(2 + 1 + 2);
            assertThat(out.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 0, 0, 'a', 'b');
        }
    }

    @Test
    void theWatchdogIntervalIsOursOnlyWhenNoOtherProcessIsNamed() {
        long me = ProcessHandle.current().pid();
        assertThat(SystemdNotify.watchdogInterval(Map.of(), me)).isNull();
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "10000000"), me)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "1500", "WATCHDOG_PID", "" + me), me))
                .isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "10000000", "WATCHDOG_PID", "" + (me + 1)), me)).isNull();
        assertThatThrownBy(() -> SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "ten"), me))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("WATCHDOG_USEC=ten: expected a positive whole number");
        assertThatThrownBy(() -> SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "0"), me))
                .hasMessage("WATCHDOG_USEC=0: expected a positive whole number");
        assertThatThrownBy(() -> SystemdNotify.watchdogInterval(Map.of("WATCHDOG_USEC", "5", "WATCHDOG_PID", "-1"), me))
                .hasMessage("WATCHDOG_PID=-1: expected a positive whole number");
    }

    @Test
    void monotonicMicrosIsTheMonotonicClock() {
        long before = System.nanoTime() / 1000;
        long t = SystemdNotify.monotonicMicros();
        assertThat(t).isBetween(before, System.nanoTime() / 1000);
    }

    /**
     * A listener that has fallen behind: its queue is full of watchdog pings (each further ping is
     * dropped, watchdog() says false). READY=1 is not lost: it waits for room and arrives once the
     * listener drains its queue.
     */
    @Test
    void aStateChangeWaitsForRoomInAFullQueue() throws Exception {
        String name = abstractName();
        try (Listener systemd = new Listener(name); SystemdNotify notify = SystemdNotify.open(name)) {
            int queued = 0;
            while (notify.watchdog()) {
                queued++;
                assertThat(queued).as("the queue fills").isLessThan(100_000);
            }
            Thread sender = Thread.ofPlatform().start(notify::ready);
            List<String> got = new ArrayList<>();
            for (int i = 0; i <= queued; i++) got.add(systemd.receive());
            sender.join(Duration.ofSeconds(5));
            assertThat(sender.isAlive()).isFalse();
            assertThat(got.subList(0, queued)).containsOnly("WATCHDOG=1");
            assertThat(got.get(queued)).isEqualTo("READY=1");
            assertThat(systemd.empty()).isTrue();
        }
    }
}
