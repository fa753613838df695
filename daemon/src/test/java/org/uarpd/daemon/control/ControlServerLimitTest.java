package org.uarpd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uarpd.daemon.config.ControlSection;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.engine.Engine;
import org.uarpd.engine.LinkPolicy;

/** The control socket serves a bounded number of connections at once; one more is told why and closed. */
class ControlServerLimitTest {
    @TempDir
    Path dir;

    /** A connection with its reader, so a line read never loses what follows it. */
    record Client(SocketChannel channel, BufferedReader in) {
        static Client open(Path socket) throws Exception {
            SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.connect(UnixDomainSocketAddress.of(socket));
            return new Client(c, new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8)));
        }

        String ask(String request) throws Exception {
            Channels.newOutputStream(channel).write((request + "\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreToldWhyAndClosed() throws Exception {
        ControlServiceTest.TestLoop loop = new ControlServiceTest.TestLoop();
        UarpdConfig config = UarpdConfig.defaults().withLinks(Map.of("u0", new LinkSection("u0", LinkPolicy.authoritative())));
        EngineTap tap = new EngineTap(new Engine(config.engineConfig(7)), null);
        ControlService service = new ControlService(tap, loop, new Reloader(tap, loop, config, null, c -> c));
        Path socket = dir.resolve("ctl.sock");
        ControlServer server = new ControlServer(service, new ControlSection(socket, null));
        server.start();
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < ControlServer.MAX_CONNECTIONS; i++) {
                Client c = Client.open(socket);
                clients.add(c);
                assertThat(c.ask("{\"command\":\"stats\"}")).as("connection %d served", i + 1).startsWith("{\"type\":\"stats\"");
            }
            assertThat(service.connections.get()).isEqualTo(ControlServer.MAX_CONNECTIONS);
            try (SocketChannel over = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                over.connect(UnixDomainSocketAddress.of(socket));
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(over), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("{\"type\":\"failure\",\"error\":\"uarpd serves " + ControlServer.MAX_CONNECTIONS
                        + " control connections at once and all are taken; try again when one has closed\"}");
                assertThat(in.readLine()).as("then closed").isNull();
            }
            assertThat(service.connections.get()).as("the refused one is not counted").isEqualTo(ControlServer.MAX_CONNECTIONS);

            clients.removeFirst().channel().close();
            assertThat(org.uarpd.daemon.Await.within(10, () -> service.connections.get() < ControlServer.MAX_CONNECTIONS))
                    .as("the closed connection's place is given back").isTrue();
            Client again = Client.open(socket);
            clients.add(again);
            assertThat(again.ask("{\"command\":\"stats\"}")).as("a place freed is served").startsWith("{\"type\":\"stats\"");
        } finally {
            for (Client c : clients) c.channel().close();
            server.close();
        }
    }
}
