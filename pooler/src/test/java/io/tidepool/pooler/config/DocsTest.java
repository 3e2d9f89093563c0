package io.tidepool.pooler.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/configuration.md keeps up with {@link Keys}: every key has a row, with our default and reloadability. */
class DocsTest {
    /** Surefire runs in the module directory ({@code pooler/}); the docs live at the repository root. */
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void everyKeyHasARowWithItsDefaultAndReloadability() throws Exception {
        assertThat(DOC).as("run from the pooler module directory").exists();
        var doc = Files.readString(DOC);
        for (var key : Keys.all()) {
            var row = Pattern.compile("(?m)^\\| `" + key.name() + "` \\| [^|]+ \\| ([^|]+) \\| ([^|]+) \\|")
                    .matcher(doc);
            assertThat(row.find()).as("row for " + key.name()).isTrue();
            var shown = Settings.defaults().formatted(key.name());
            assertThat(row.group(1).strip()).as(key.name() + " default")
                    .isEqualTo(shown.isEmpty() ? "*(unset)*" : "`" + shown + "`");
            assertThat(row.group(2).strip()).as(key.name() + " reloadable")
                    .isEqualTo(key.reloadable() ? "yes" : "**restart**");
        }
    }
}
