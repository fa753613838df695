package org.uarpd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uarpd.daemon.config.UarpdConfig;

/**
 * uarpd.toml(5) describes every key the config reader knows: the keys come from the reader itself
 * ({@link UarpdConfig#keys()}), so a key added to a section and not to the page fails here. The
 * page's source is read section by section (its {@code == [table]} headings).
 */
class ConfigPageTest {
    static final Path PAGE = Path.of("src", "man", "uarpd.toml.5.adoc");

    /** The page's sections that head a table, by the table's dotted name ({@code links.NAME.guard}), with their text. */
    static Map<String, String> tableSections(List<String> page) {
        Map<String, String> sections = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : page) {
            if (line.startsWith("== ")) {
                if (current != null) sections.put(current, text.toString());
                String heading = line.substring(3).replace("+", "").strip();
                current = heading.startsWith("[") ? heading.replace("[", "").replace("]", "") : null;
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        if (current != null) sections.put(current, text.toString());
        return sections;
    }

    /**
     * Whether the page describes {@code key}: it names the table itself ({@code [key]} or {@code [[key]]}
     * anywhere), or the section of the nearest table above it names the key's last part in bold
     * ({@code *burst*}) or as an assignment ({@code burst = 20}, in an inline table's default).
     */
    static boolean described(String key, String page, Map<String, String> sections) {
        if (page.contains("[" + key + "]") || page.contains("[" + key + ".")) return true; // the table, or the tables under it
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        String table = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
        String section = null;
        for (var s : sections.entrySet()) {
            boolean above = table.equals(s.getKey()) || table.startsWith(s.getKey() + ".");
            if (above && (section == null || s.getKey().length() > section.length())) section = s.getKey();
        }
        if (section == null) return false;
        String text = sections.get(section);
        return text.contains("*" + leaf + "*") || text.contains(" " + leaf + " = ") || text.contains("{ " + leaf + " = ");
    }

    @Test
    void theConfigPageDescribesEveryKeyTheReaderKnows() throws Exception {
        List<String> lines = Files.readAllLines(PAGE);
        String page = String.join("\n", lines);
        Map<String, String> sections = tableSections(lines);
        assertThat(sections).as("sections of " + PAGE).containsKeys("log", "links.NAME", "links.NAME.publish", "static", "fleet");
        List<String> missing = new ArrayList<>();
        for (String key : UarpdConfig.keys()) if (!described(key, page, sections)) missing.add(key);
        assertThat(UarpdConfig.keys()).as("the reader's keys").contains("links.NAME.publish.via", "fleet.lease-ttl", "links.NAME.unsolicited-na");
        assertThat(missing).as("keys the config reader knows that " + PAGE + " does not describe").isEmpty();
    }

    /** The check itself finds a key that is not there, and one that is only named in another table's section. */
    @Test
    void aKeyTheSectionDoesNotNameIsMissing() throws Exception {
        List<String> lines = Files.readAllLines(PAGE);
        String page = String.join("\n", lines);
        Map<String, String> sections = tableSections(lines);
        assertThat(described("links.NAME.guard.sender-consistency", page, sections)).isTrue();
        assertThat(described("links.NAME.guard.nd-router", page, sections)).as("documented for [links.NAME], not its guard").isFalse();
        assertThat(described("timers.no-such-key", page, sections)).isFalse();
        List<String> withoutVia = lines.stream().filter(l -> !l.contains("*via*")).toList();
        assertThat(described("links.NAME.publish.via", String.join("\n", withoutVia), tableSections(withoutVia))).isFalse();
    }
}
