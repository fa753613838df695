package org.uarpd.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.protocol.Request;
import org.uarpd.daemon.control.protocol.Response;
import org.uarpd.engine.Action;
import org.uarpd.engine.AddressClaim;
import org.uarpd.engine.ConflictPolicy;
import org.uarpd.engine.Defense;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkMode;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.linux.LinuxBackend.LinkInfo;
import org.uarpd.linux.LoopControl;
import org.uarpd.wire.ArpCodec;
import org.uarpd.wire.ArpPacket;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.HardwareType;
import org.uarpd.wire.link.Ethernet;
import org.uarpd.wire.Ip4;

/** The control service against a real engine behind the tap and a loop that runs tasks at once, on a clock the test moves. */
class ControlServiceTest {
    static final HardwareAddress OWN = HardwareAddress.parse("02:00:5e:00:53:01");

    /** A loop on the test's thread: one link u0 (ifindex 3) and a hand-moved clock. */
    static final class TestLoop implements LoopControl {
        long now = 1_000_000_000L;
        final List<Action> actions = new ArrayList<>();
        final List<LinkInfo> links = new ArrayList<>(List.of(new LinkInfo("u0", 3, OWN, LinkMode.AUTHORITATIVE)));

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void accept(Action action) {
            actions.add(action);
        }

        @Override
        public List<LinkInfo> linkInfo() {
            return links;
        }

        @Override
        public List<long[]> addresses() {
            return List.<long[]>of(new long[] {3, Ip4.parse("192.0.2.1") & 0xFFFFFFFFL});
        }

        @Override
        public long installErrors() {
            return 0;
        }

        @Override
        public long droppedFrames() {
            return 0;
        }

        @Override
        public long resyncs() {
            return 0;
        }

        @Override
        public long policyFailures() {
            return 0;
        }
    }

    final TestLoop loop = new TestLoop();
    final UarpdConfig config = UarpdConfig.defaults().withLinks(Map.of("u0", new LinkSection("u0", LinkPolicy.authoritative())));
    final EngineTap tap = new EngineTap(new Engine(config.engineConfig(7)), null);
    final ControlService service = new ControlService(tap, loop, new Reloader(tap, loop, config, null, c -> c));

    ControlServiceTest() {
        tap.handle(loop.now, new Input.LinkChanged(3, "u0", org.uarpd.wire.link.Ethernet.INSTANCE, OWN, true), loop);
        tap.handle(loop.now, new Input.AddressAdded(3, Ip4.parse("192.0.2.1"), 24), loop);
    }

    Response answer(Request r) throws ControlException {
        return ((ControlService.Outcome.Answer) service.serve(r)).response();
    }

    @Test
    void aStaticEntryIsAddedShownAndDeleted() throws Exception {
        assertThat(answer(new Request.Add(null, "192.0.2.60", "02:00:5e:00:53:60")))
                .isEqualTo(new Response.Message("192.0.2.60 dev u0 lladdr 02:00:5e:00:53:60 PERMANENT"));
        assertThat(answer(new Request.Show(Request.Table.NEIGH)))
                .isEqualTo(new Response.Neighbours(List.of(new Response.Neighbour("192.0.2.60", "u0", "02:00:5e:00:53:60", "STATIC"))));
        assertThat(answer(new Request.Del("u0", "192.0.2.60"))).isEqualTo(new Response.Message("deleted 192.0.2.60 dev u0"));
        assertThatThrownBy(() -> answer(new Request.Del("u0", "192.0.2.60"))).hasMessage("no static entry for 192.0.2.60 on u0");
    }

    @Test
    void mistakesAreAnsweredInTheParsersWords() {
        assertThatThrownBy(() -> answer(new Request.Add(null, "192.0.2.61", "02:00:5e")))
                .hasMessage("'02:00:5e' is not an Ethernet address (six hex bytes like 02:00:5e:00:53:01)");
        assertThatThrownBy(() -> answer(new Request.Add("eth9", "192.0.2.61", "02:00:5e:00:53:61")))
                .hasMessage("no link called 'eth9' (uarpd runs on u0)");
        assertThatThrownBy(() -> answer(new Request.Announce(null, "192.0.2.1", 0, 1))).hasMessage("announce: --count must be 1 to 1000, got 0");
        assertThatThrownBy(() -> service.serve(new Request.Monitor(0L, null))).hasMessage("monitor: --count must be at least 1, got 0");
        assertThatThrownBy(() -> answer(new Request.Reload())).hasMessageContaining("there is nothing to reload");
    }

    @Test
    void publishedEntriesComeFromTheConfigAndFromUarpctl() throws Exception {
        Request.Entry entry = new Request.Entry("198.51.100.0/28", List.of("198.51.100.3"), null, true, 20_000_000, false);
        assertThat(answer(new Request.Publish(null, entry))).isEqualTo(new Response.Message("published 198.51.100.0/28 !198.51.100.3 dev *"));
        assertThatThrownBy(() -> answer(new Request.Publish(null, entry))).hasMessage("already published: 198.51.100.0/28 !198.51.100.3 dev *");
        assertThat(answer(new Request.Show(Request.Table.PUBLISHED))).isEqualTo(new Response.Published(List.of(
                new Response.PublishedRow("*", "198.51.100.0/28", List.of("198.51.100.3"), null, true, "20ms", false, "operator", null))));
        assertThat(answer(new Request.Unpublish(null, entry))).isEqualTo(new Response.Message("unpublished 198.51.100.0/28 !198.51.100.3 dev *"));
        assertThat(answer(new Request.Show(Request.Table.PUBLISHED))).isEqualTo(new Response.Published(List.of()));
    }

    @Test
    void anIpv6PrefixIsPublishedUnderNdppdsConditionsAndUnpublishedByTheSameWords() throws Exception {
        loop.links.add(new LinkInfo("w0", 4, HardwareAddress.parse("02:00:5e:00:53:04"), LinkMode.AUTHORITATIVE));
        Request.Entry asked = new Request.Entry("2001:db8:7::/64", List.of("2001:db8:7::1"), null, false, 0, false, "target-answers", "w0");
        assertThat(answer(new Request.Publish("u0", asked)))
                .isEqualTo(new Response.Message("published 2001:db8:7::/64 !2001:db8:7::1 dev u0 when target-answers via w0"));
        Request.Entry routed = new Request.Entry("2001:db8:8::/64", List.of(), null, false, 0, false, "route", null);
        assertThat(answer(new Request.Publish(null, routed))).isEqualTo(new Response.Message("published 2001:db8:8::/64 dev * when route"));
        assertThat(answer(new Request.Show(Request.Table.PUBLISHED))).isEqualTo(new Response.Published(List.of(
                new Response.PublishedRow("u0", "2001:db8:7::/64", List.of("2001:db8:7::1"), null, false, "0s", false, "operator", "target-answers via w0"),
                new Response.PublishedRow("*", "2001:db8:8::/64", List.of(), null, false, "0s", false, "operator", "route"))));
        // The condition is part of what names the entry: the same prefix answered always is another one.
        assertThatThrownBy(() -> answer(new Request.Unpublish(null, new Request.Entry("2001:db8:8::/64", List.of(), null, false, 0, false))))
                .hasMessage("not published by uarpctl: 2001:db8:8::/64 dev *");
        assertThat(answer(new Request.Unpublish(null, routed))).isEqualTo(new Response.Message("unpublished 2001:db8:8::/64 dev * when route"));
        assertThat(answer(new Request.Unpublish("u0", asked))).isEqualTo(new Response.Message("unpublished 2001:db8:7::/64 !2001:db8:7::1 dev u0 when target-answers via w0"));
        assertThat(answer(new Request.Show(Request.Table.PUBLISHED))).isEqualTo(new Response.Published(List.of()));
    }

    @Test
    void aConditionThatCannotBeMetIsRefusedInTheConfigFilesWords() {
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of(), null, false, 0, false, "target-answers", null))))
                .hasMessage("--when: \"target-answers\" needs the interface to ask the target on; expected also via = \"IF\"");
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of(), null, false, 0, false, "sometimes", null))))
                .hasMessage("--when: \"sometimes\" is not a condition; expected one of always, target-answers, route");
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of(), null, false, 0, false, "route", "u0"))))
                .hasMessage("--via: applies to when = \"target-answers\" only; expected no via, or that condition");
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of(), null, false, 0, false, "target-answers", "w9"))))
                .hasMessage("no link called 'w9' (uarpd runs on u0)");
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("2001:db8:7::/64", List.of(), null, false, 0, false, "target-answers", "u0"))))
                .hasMessage("--via u0 is the link this entry answers on; name another");
        assertThatThrownBy(() -> answer(new Request.Publish("u0", new Request.Entry("198.51.100.0/28", List.of(), null, false, 0, false, "route", null))))
                .hasMessage("--when and --via apply to IPv6 (neighbour discovery) entries only; an IPv4 entry is answered always");
        assertThat(loop.actions).noneMatch(a -> a instanceof Action.Emit e && e.event().reason() == org.uarpd.engine.EngineEvent.Reason.PUBLISHED);
    }

    @Test
    void aProbeIsTimedOnTheLoopsClock() throws Exception {
        answer(new Request.Add(null, "192.0.2.60", "02:00:5e:00:53:60"));
        assertThat(answer(new Request.Probe(null, "192.0.2.60")))
                .isEqualTo(new Response.ProbeResult("192.0.2.60", "u0", "known", "02:00:5e:00:53:60", "STATIC", "from_cache", 0.0));
        Response stats = answer(new Request.Stats());
        assertThat(stats).isInstanceOfSatisfying(Response.Stats.class, s -> {
            assertThat(s.entries()).isEqualTo(1);
            assertThat(s.uptimeSeconds()).isZero();
            assertThat(s.liveStreams()).isZero();
        });
        loop.now += 5_000_000_000L;
        assertThat(((Response.Stats) answer(new Request.Stats())).uptimeSeconds()).isEqualTo(5);
    }

    @Test
    void showLinksReadsTheLoop() throws Exception {
        assertThat(answer(new Request.Show(Request.Table.LINKS))).isEqualTo(new Response.Links(List.of(
                new Response.LinkRow("u0", 3, "02:00:5e:00:53:01", "authoritative", false, List.of("192.0.2.1"), List.of()))));
    }

    @Test
    void aYieldedAddressIsMarkedInShowLinksAndReclaimedByProbingAgain() throws Exception {
        UarpdConfig never = UarpdConfig.defaults().withLinks(Map.of("u0", new LinkSection("u0",
                LinkPolicy.authoritative().withConflict(ConflictPolicy.reportOnly().withDefense(Defense.NEVER)))));
        EngineTap yielding = new EngineTap(new Engine(never.engineConfig(7)), null);
        ControlService s = new ControlService(yielding, loop, new Reloader(yielding, loop, never, null, c -> c));
        yielding.handle(loop.now, new Input.LinkChanged(3, "u0", Ethernet.INSTANCE, OWN, true), loop);
        yielding.handle(loop.now, new Input.AddressAdded(3, Ip4.parse("192.0.2.1"), 24), loop);
        HardwareAddress other = HardwareAddress.parse("02:00:5e:00:53:66");
        byte[] arp = ArpCodec.encode(ArpPacket.announcement(HardwareType.ETHERNET, other, Ip4.parse("192.0.2.1")));
        byte[] frame = Ethernet.INSTANCE.encode(Ethernet.INSTANCE.broadcast(), other, 0x0806, arp);

        assertThatThrownBy(() -> s.serve(new Request.Reclaim(null, "192.0.2.1"))).hasMessage("192.0.2.1 on u0 is not yielded (it is bound): nothing to reclaim");
        assertThatThrownBy(() -> s.serve(new Request.Reclaim("u0", "192.0.2.9")))
                .hasMessageStartingWith("192.0.2.9 is not one of the host's addresses on u0: only an address the host holds and yielded");
        assertThatThrownBy(() -> s.serve(new Request.Reclaim("eth9", "192.0.2.1"))).hasMessage("no link called 'eth9' (uarpd runs on u0)");

        yielding.handle(loop.now, new Input.FrameReceived(3, frame, 0, frame.length), loop);
        Response.LinkRow row = ((Response.Links) ((ControlService.Outcome.Answer) s.serve(new Request.Show(Request.Table.LINKS))).response()).entries().getFirst();
        assertThat(row.claims()).containsExactly(new Response.ClaimRow("192.0.2.1", "yielded", "02:00:5e:00:53:66"));
        assertThat(TextOutput.link(row)).isEqualTo("u0 index 3 lladdr 02:00:5e:00:53:01 mode authoritative rarp off addresses 192.0.2.1"
                + " yielded 192.0.2.1 to 02:00:5e:00:53:66");

        loop.actions.clear();
        assertThat(((ControlService.Outcome.Answer) s.serve(new Request.Reclaim(null, "192.0.2.1"))).response()).isEqualTo(new Response.Message(
                "reclaiming 192.0.2.1 on u0 from 02:00:5e:00:53:66: probing for it (RFC 5227), then announcing it"));
        assertThat(yielding.engine().claims()).singleElement().extracting(AddressClaim::state).isEqualTo(AddressClaim.State.PROBING);
        row = ((Response.Links) ((ControlService.Outcome.Answer) s.serve(new Request.Show(Request.Table.LINKS))).response()).entries().getFirst();
        assertThat(TextOutput.link(row)).endsWith("addresses 192.0.2.1 probing 192.0.2.1");
        // The first probe (RFC 5227 §2.1.1: sender address 0, target ours) goes out within PROBE_WAIT.
        loop.now += 1_000_000_000L;
        yielding.handle(loop.now, new Input.TimeAdvanced(), loop);
        assertThat(loop.actions).anySatisfy(a -> {
            assertThat(a).isInstanceOf(Action.Transmit.class);
            java.nio.ByteBuffer b = ((Action.Transmit) a).frame().duplicate();
            byte[] sent = new byte[b.remaining()];
            b.get(sent);
            ArpPacket p = ArpCodec.decode(sent, Ethernet.HEADER, sent.length - Ethernet.HEADER);
            assertThat(p.senderProtocol().toIp4()).isZero();
            assertThat(p.targetProtocol().toIp4()).isEqualTo(Ip4.parse("192.0.2.1"));
        });
    }

    @Test
    void restartIsAnsweredFirstAndTheOldDaemonStopsOnlyAfterwards() throws Exception {
        assertThatThrownBy(() -> service.serve(new Request.Restart())).isInstanceOf(ControlException.class)
                .hasMessageContaining("cannot restart itself");
        boolean[] stopped = {false};
        service.restarts(() -> new Restarts.Restarted("uarpd pid 7 serves now", () -> stopped[0] = true));
        ControlService.Outcome o = service.serve(new Request.Restart());
        assertThat(o).isInstanceOf(ControlService.Outcome.AnswerThen.class);
        ControlService.Outcome.AnswerThen a = (ControlService.Outcome.AnswerThen) o;
        assertThat(a.response()).isEqualTo(new Response.Message("uarpd pid 7 serves now"));
        assertThat(stopped[0]).as("not before the answer is written").isFalse();
        a.then().run();
        assertThat(stopped[0]).isTrue();
        service.restarts(() -> {
            throw new ControlException("restart failed: the new uarpd (pid 8) gave up; this uarpd (pid 7) goes on serving");
        });
        assertThatThrownBy(() -> service.serve(new Request.Restart())).hasMessageContaining("goes on serving");
    }
}
