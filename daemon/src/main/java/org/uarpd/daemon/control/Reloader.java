package org.uarpd.daemon.control;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uarpd.daemon.config.ConfigException;
import org.uarpd.daemon.config.LinkSection;
import org.uarpd.daemon.config.StaticEntry;
import org.uarpd.daemon.config.UarpdConfig;
import org.uarpd.engine.EngineConfig;
import org.uarpd.engine.OperatorCommand;
import org.uarpd.linux.LoopControl;
import org.uarpd.linux.SystemdNotify;
import org.uarpd.wire.Ip4;

/**
 * SIGHUP and {@code uarpctl reload}: reads the config file again, checks it, and applies it on the
 * loop in one task (the engine's {@link OperatorCommand.Reconfigure}, then the static entries that
 * changed), keeping every binding. A file with mistakes, or with changes only a restart can make, is
 * refused with its errors and the running configuration stays. It also holds the configuration in
 * force, which the control service shows.
 */
public final class Reloader {
    private final Logger log = LoggerFactory.getLogger("uarpd.control");
    private final EngineTap tap;
    private final LoopControl loop;
    private final Path configFile;
    private final UnaryOperator<UarpdConfig> overrides;
    private volatile UarpdConfig config;
    private SystemdNotify notify = SystemdNotify.fromEnvironment(java.util.Map.of());

    /**
     * @param config     the configuration running now
     * @param configFile the file reload reads again (null: none, reload is refused)
     * @param overrides  the command line's overrides, applied to every config read
     */
    public Reloader(EngineTap tap, LoopControl loop, UarpdConfig config, Path configFile, UnaryOperator<UarpdConfig> overrides) {
        this.tap = tap;
        this.loop = loop;
        this.config = config;
        this.configFile = configFile;
        this.overrides = overrides;
    }

    /** systemd hears RELOADING=1 when a reload begins and READY=1 when it ends, applied or refused. */
    public void notifying(SystemdNotify notify) {
        this.notify = notify;
    }

    public UarpdConfig config() {
        return config;
    }

    /** The config's static entries at start, installed on the thread that will run the loop, before it runs. */
    public void applyInitialStatics() {
        applyStatics(List.of(), config.statics());
    }

    /** Reads and applies the config file (any thread); returns what was done, or throws what is wrong with the file. */
    public synchronized String reload() throws ControlException {
        notify.reloading();
        try {
            return reloadNow();
        } finally {
            notify.ready();
        }
    }

    private String reloadNow() throws ControlException {
        if (configFile == null) {
            throw new ControlException("uarpd runs without a config file (no --config, no " + UarpdConfig.DEFAULT_PATH
                    + "): there is nothing to reload");
        }
        UarpdConfig next;
        try {
            next = overrides.apply(UarpdConfig.load(configFile));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ControlException(refused(e.getMessage()));
        }
        UarpdConfig now = config;
        List<String> restartOnly = restartOnly(now, next);
        if (!restartOnly.isEmpty()) throw new ControlException(refused(String.join("\n", restartOnly)));
        String summary = OnLoop.call(loop, () -> {
            // The learning cap was derived at start from the kernel's table limit, not from the file: it stays.
            EngineConfig running = tap.engine().config();
            tap.command(loop.nanoTime(), new OperatorCommand.Reconfigure(next.engineConfig(running.seed()).withLearning(running.learning())), loop);
            // The file's (and flags') IPv6 entries are replaced; those published over the control socket stay.
            tap.command(loop.nanoTime(), new OperatorCommand.ReconfigureNd(next.ndConfig()), loop);
            applyStatics(now.statics(), next.statics());
            config = next;
            int published = 0;
            for (LinkSection l : next.links().values()) published += l.policy().published().size() + l.published6().size();
            return "reloaded " + configFile + ": " + next.links().size() + " link(s), " + published + " published "
                    + entries(published) + ", " + next.statics().size() + " static " + entries(next.statics().size()) + "; "
                    + tap.engine().size() + " neighbour entries kept";
        });
        List<String> later = new ArrayList<>();
        if (!next.log().equals(now.log())) later.add("log.level");
        if (!next.control().equals(now.control())) later.add("control");
        if (!next.metrics().equals(now.metrics())) later.add("metrics");
        if (!later.isEmpty()) summary += " (" + String.join(", ", later) + " take effect at the next restart)";
        log.info(summary);
        return summary;
    }

    private static String entries(int n) {
        return n == 1 ? "entry" : "entries";
    }

    private String refused(String why) {
        return "refused " + configFile + "; the running configuration stays:\n" + why;
    }

    /** LoopControl thread: removes the static entries only in {@code before}, installs those only in {@code after}. */
    private void applyStatics(List<StaticEntry> before, List<StaticEntry> after) {
        for (StaticEntry s : before) {
            if (!after.contains(s)) {
                int link = loop.indexOf(s.link());
                if (link != 0) tap.command(loop.nanoTime(), new OperatorCommand.DeleteStatic(link, s.address()), loop);
            }
        }
        for (StaticEntry s : after) {
            if (before.contains(s)) continue;
            int link = loop.indexOf(s.link());
            if (link == 0) log.warn("static entry {} on {}: the link is not present now; not installed", Ip4.format(s.address()), s.link());
            else tap.command(loop.nanoTime(), new OperatorCommand.AddStatic(link, s.address(), s.hardware()), loop);
        }
    }

    /** Changes a reload cannot make: the kernel is set up per link and mode, the table sized by the limits. */
    static List<String> restartOnly(UarpdConfig now, UarpdConfig next) {
        List<String> out = new ArrayList<>();
        String file = next.source();
        for (String name : next.links().keySet()) {
            if (!now.links().containsKey(name)) out.add(file + ": links." + name + ": a link cannot be added by reload; restart uarpd to add it");
        }
        for (String name : now.links().keySet()) {
            LinkSection after = next.links().get(name);
            if (after == null) out.add(file + ": links." + name + ": a link cannot be removed by reload; restart uarpd to remove it");
            else if (after.mode() != now.links().get(name).mode()) {
                out.add(file + ": links." + name + ".mode: cannot change from " + now.links().get(name).mode().name().toLowerCase()
                        + " to " + after.mode().name().toLowerCase() + " by reload (the kernel is set up per mode); restart uarpd");
            }
        }
        var a = now.limits();
        var b = next.limits();
        if (a.maxEntries() != b.maxEntries() || a.maxStaticEntries() != b.maxStaticEntries()) {
            out.add(file + ": limits: max-entries and max-static-entries size the table and cannot change by reload; restart uarpd");
        }
        return out;
    }
}
