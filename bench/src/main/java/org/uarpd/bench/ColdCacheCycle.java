package org.uarpd.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.daemon.control.EngineTap;
import org.uarpd.engine.Action;
import org.uarpd.engine.ActionSink;
import org.uarpd.engine.Cidr;
import org.uarpd.engine.Engine;
import org.uarpd.engine.Input;
import org.uarpd.engine.LinkPolicy;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.engine.PublishedEntry;
import org.uarpd.wire.HardwareAddress;
import org.uarpd.wire.Ip4;
import org.uarpd.wire.Opcode;
import org.uarpd.wire.link.Ethernet;

/**
 * What one resolution costs the engine (the daemon's tap around it, as {@code uarpd run} builds it)
 * with warm caches and after the caches were evicted, as they are when the loop wakes from poll after
 * other processes ran (BENCHMARKS.md, "First packet: the rehearsal"): the time from handing over a
 * kernel miss to the request it emits, and from the reply to the install. Between two resolutions of
 * the evicted series a buffer larger than the last-level cache is written once.
 *
 * <pre>java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "bench/target/classes:daemon/target/uarpd.jar:daemon/target/lib/*" \
 *      org.uarpd.bench.ColdCacheCycle [resolutions per series] [eviction MiB]</pre>
 *
 * Run it with the JIT options to compare (the first series, warm, also compiles the path).
 */
public final class ColdCacheCycle {
    private static final int LINK = 3;
    private static final HardwareAddress US = EngineFixtures.OUR_HW;
    private static final HardwareAddress PEER = EngineFixtures.peerHw(1);
    private static final int PEER_IP = Ip4.parse("192.0.2.2");

    private static long emitted;

    private ColdCacheCycle() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        LinkPolicy policy = LinkPolicy.authoritative()
                .withPublished(List.of(PublishedEntry.range(Cidr.parse("198.51.100.0/24")).withHardware(HardwareAddress.parse("02:00:5e:00:53:01"))));
        UarpdConfig settings = UarpdConfig.defaults().withLinks(Map.of("u0", new LinkSection("u0", policy)));
        EngineTap tap = new EngineTap(new Engine(settings.engineConfig(System.nanoTime())), null);
        ActionSink sink = a -> {
            if (a instanceof Action.Transmit || a instanceof Action.InstallNeighbor) emitted = System.nanoTime();
        };
        long now = System.nanoTime();
        tap.handle(now, new Input.LinkChanged(LINK, "u0", Ethernet.INSTANCE, US, true), sink);
        tap.handle(now, new Input.AddressAdded(LINK, EngineFixtures.OUR_IP, 24), sink);
        byte[] reply = EngineFixtures.frame(US, PEER, Opcode.REPLY, PEER, PEER_IP, US, EngineFixtures.OUR_IP);
        byte[] evict = new byte[mib << 20];
        System.out.printf(Locale.ROOT, "# engine cycle, %d resolutions a series, eviction buffer %d MiB; µs from input to the action it emits%n", n, mib);
        for (String series : new String[] {"warm (compiling)", "warm", "caches evicted", "warm", "caches evicted"}) {
            boolean cold = series.startsWith("caches");
            long[] request = new long[n];
            long[] install = new long[n];
            for (int i = 0; i < n; i++) {
                now += 10_000_000L;
                if (cold) for (int k = 0; k < evict.length; k += 64) evict[k]++;
                long t = System.nanoTime();
                tap.handle(now, new Input.KernelMiss(LINK, PEER_IP, 0, null), sink);
                request[i] = emitted - t;
                if (cold) for (int k = 0; k < evict.length; k += 64) evict[k]++;
                t = System.nanoTime();
                tap.handle(now, new Input.FrameReceived(LINK, reply, 0, reply.length), sink);
                install[i] = emitted - t;
                tap.handle(now, new Input.Command(new OperatorCommand.Flush(LINK)), sink); // the next miss is a miss again
            }
            System.out.printf(Locale.ROOT, "%-18s miss -> request median %6.1f p90 %6.1f; reply -> install median %6.1f p90 %6.1f%n", series,
                    percentile(request, 50), percentile(request, 90), percentile(install, 50), percentile(install, 90));
        }
    }

    private static double percentile(long[] nanos, int percentile) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, s.length * percentile / 100)] / 1000.0;
    }
}
