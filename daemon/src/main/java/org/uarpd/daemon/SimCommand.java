package org.uarpd.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.uarpd.engine.PositionedException;
import org.uarpd.sim.EngineResolver;
import org.uarpd.sim.scenario.Scenario;
import org.uarpd.sim.scenario.ScenarioParser;
import org.uarpd.sim.scenario.ScenarioRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code uarpd sim}: runs a simulated network (the kernel of the 1996 NetBSD routing-socket proposal, in-process) and reports. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {
            "Runs uarpd on a simulated network and prints a timeline and a summary.",
            "%nHosts have BSD-style kernels (routing socket, cloned link-layer routes, hold queue); segments of"
                    + " every link type carry real frames; faults and time are simulated. Without SCENARIO-FILE the"
                    + " built-in default scenario runs; the file format is in docs/sim.md."})
public final class SimCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO-FILE", description = "scenario to run (default: built-in)")
    Path scenarioFile;

    @Option(names = "--pcap-dir", paramLabel = "DIR", description = "write one capture per segment, DIR/<segment>.pcap")
    Path pcapDir;

    @Option(names = "--seed", paramLabel = "N", description = "random seed (overrides the scenario's)")
    Long seed;

    @Option(names = {"-q", "--quiet"}, description = "print only the summary, not the timeline")
    boolean quiet;

    @Option(names = "--route-monitor", description = "also print every routing-socket message each kernel sends, decoded (like route monitor)")
    boolean routeMonitor;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scenario scenario;
        try {
            scenario = scenarioFile == null ? ScenarioRunner.defaultScenario() : ScenarioParser.parse(scenarioFile);
        } catch (NoSuchFileException e) {
            err.println("uarpd sim: no such scenario file: " + e.getFile());
            return Main.EXIT_FAILED;
        } catch (IOException e) {
            err.println("uarpd sim: cannot read " + scenarioFile + ": " + e.getMessage());
            return Main.EXIT_FAILED;
        } catch (PositionedException e) {
            err.println("uarpd sim: " + e.getMessage());
            return Main.EXIT_FAILED;
        }
        try {
            ScenarioRunner runner = new ScenarioRunner(scenario, seed, pcapDir, EngineResolver.forScenarios());
            runner.world().setRouteMonitor(routeMonitor);
            if (!quiet) runner.world().timeline().echoTo(out::println);
            else runner.world().timeline().setEnabled(false);
            out.println("# uarpd sim: " + scenario.source() + ", seed " + runner.world().sim().seed());
            runner.run();
            out.println();
            out.print(runner.summary());
            if (pcapDir != null) out.println("captures: " + pcapDir.toAbsolutePath() + "/<segment>.pcap");
            out.flush();
            return Main.EXIT_OK;
        } catch (IOException e) {
            err.println("uarpd sim: cannot write captures to " + pcapDir + ": " + e.getMessage());
            return Main.EXIT_FAILED;
        }
    }
}
