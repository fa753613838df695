package org.uarpd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.daemon.config.ControlSection;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.engine.Engine;
import org.uarpd.engine.LinkPolicy;

/** A restart abandoned after the successor moved its control socket over the path: the old uarpd binds it again. */
class ControlServerRebindTest {
    @TempDir
    Path dir;

    private ControlServer server(Path socket) {
        ControlServiceTest.TestLoop loop = new ControlServiceTest.TestLoop();
        UarpdConfig config = UarpdConfig.defaults().withLinks(Map.of("u0", new LinkSection("u0", LinkPolicy.authoritative())));
        EngineTap tap = new EngineTap(new Engine(config.engineConfig(7)), null);
        return new ControlServer(new ControlService(tap, loop, new Reloader(tap, loop, config, null, c -> c)), new ControlSection(socket, null));
    }

    /** Where a successor binds before it publishes: {@code PATH.next} (ControlServer.startBeside). */
    private static ServerSocketChannel successorBeside(Path socket) throws IOException {
        Path next = socket.resolveSibling(socket.getFileName() + ".next");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(next));
        Files.move(next, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING); // its publish()
        return s;
    }

    @Test
    void theOldUarpdAnswersAtThePathAgainAfterItsSuccessorDied() throws Exception {
        Path socket = dir.resolve("ctl.sock");
        ControlServer old = server(socket);
        old.start();
        try (SocketChannel asking = SocketChannel.open(UnixDomainSocketAddress.of(socket))) { // the restart's own request
            ControlServerLimitTest.Client before = new ControlServerLimitTest.Client(asking,
                    new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.channels.Channels.newInputStream(asking))));
            assertThat(before.ask("{\"command\":\"stats\"}")).as("accepted before the successor comes").startsWith("{\"type\":\"stats\"");
            ServerSocketChannel successor = successorBeside(socket);
            successor.close(); // killed: its file stays at the path, and nothing answers there
            assertThatThrownBy(() -> ControlServerLimitTest.Client.open(socket)).as("unreachable before rebind").isInstanceOf(IOException.class);

            old.rebind();

            ControlServerLimitTest.Client after = ControlServerLimitTest.Client.open(socket);
            assertThat(after.ask("{\"command\":\"stats\"}")).as("the old uarpd answers at the path").startsWith("{\"type\":\"stats\"");
            after.channel().close();
            assertThat(before.ask("{\"command\":\"stats\"}")).as("the connection open meanwhile is kept").startsWith("{\"type\":\"stats\"");
            Object bound = Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            old.rebind();
            assertThat(Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                    .as("a path that is still its own is left alone").isEqualTo(bound);
        } finally {
            old.close();
        }
        assertThat(socket).as("closing removes the file it bound again").doesNotExist();
    }

    @Test
    void aSuccessorThatStillAnswersKeepsThePath() throws Exception {
        Path socket = dir.resolve("ctl.sock");
        ControlServer old = server(socket);
        old.start();
        try (ServerSocketChannel successor = successorBeside(socket)) {
            assertThatThrownBy(old::rebind).isInstanceOf(IOException.class).hasMessageContaining("another uarpd's control socket");
        } finally {
            old.close();
        }
    }
}
