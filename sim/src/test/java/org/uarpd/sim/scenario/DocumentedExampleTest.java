package org.uarpd.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uarpd.engine.PositionedException;
import org.uarpd.sim.EngineResolver;

/** The example in docs/sim.md parses and runs as the text around it says. */
class DocumentedExampleTest {
    @Test
    void theExampleInTheDocsRuns() throws IOException, PositionedException {
        Path doc = Path.of("..", "docs", "sim.md");
        List<String> lines = Files.readAllLines(doc);
        int start = lines.indexOf("```scenario");
        assertThat(start).as("a ```scenario block in %s", doc).isNotNegative();
        int end = lines.subList(start + 1, lines.size()).indexOf("```") + start + 1;
        Scenario s = ScenarioParser.parse("docs/sim.md", lines.subList(start + 1, end));
        ScenarioRunner r = new ScenarioRunner(s, null, null, EngineResolver.forScenarios());
        r.run();
        assertThat(r.world().stats().resolved()).isEqualTo(2);
        assertThat(r.world().stats().failed()).isEqualTo(1);
        assertThat(r.world().timeline().grep("a          FAILED 192.0.2.3")).hasSize(1);
    }

    @Test
    void theIpv6ExampleInTheDocsRuns() throws IOException, PositionedException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "sim.md"));
        int first = lines.indexOf("```scenario");
        int start = lines.subList(first + 1, lines.size()).indexOf("```scenario") + first + 1;
        assertThat(start).as("a second ```scenario block").isGreaterThan(first);
        int end = lines.subList(start + 1, lines.size()).indexOf("```") + start + 1;
        Scenario s = ScenarioParser.parse("docs/sim.md", lines.subList(start + 1, end));
        ScenarioRunner r = new ScenarioRunner(s, null, null, EngineResolver.forScenarios());
        r.run();
        var t = r.world().timeline();
        assertThat(t.grep("a          received packet #1 from 2001:db8::3")).hasSize(1);
        assertThat(t.grep("a          uarpd: ANSWERED 2001:db8::1:0:0:5")).hasSize(1);
        assertThat(t.grep("c          resolved 2001:db8::1:0:0:5 is 02:00:00:00:00:01")).hasSize(1);
        assertThat(t.grep("c          FAILED 2001:db8::1:0:0:7")).hasSize(1);
        assertThat(t.grep("c          RTM_MISS")).isEmpty();
        assertThat(r.world().stats().failed()).isEqualTo(1);
    }
}
