package io.tidepool.pooler.server;

import io.tidepool.pooler.config.Keys;
import io.tidepool.pooler.config.Settings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** track_extra_parameters as the pools see it: the built-in five plus the key, case-insensitive. */
class TrackedParametersTest {

    @Test
    void defaultIsTheBuiltInFivePlusIntervalStyle() {
        assertThat(TrackedParameters.DEFAULT.names()).containsExactlyInAnyOrder("client_encoding", "datestyle",
                "timezone", "standard_conforming_strings", "application_name", "intervalstyle");
        assertThat(TrackedParameters.of(Settings.defaults().get(Keys.TRACK_EXTRA_PARAMETERS)))
                .isEqualTo(TrackedParameters.DEFAULT);
    }

    @Test
    void namesCompareCaseInsensitively() {
        TrackedParameters tracked = TrackedParameters.of(List.of("Search_Path", " default_transaction_read_only"));
        assertThat(tracked.contains("search_path")).isTrue();
        assertThat(tracked.contains("SEARCH_PATH")).isTrue();
        assertThat(tracked.contains("Default_Transaction_Read_Only")).isTrue();
        assertThat(tracked.contains("TimeZone")).as("built-in").isTrue();
        assertThat(tracked.contains("statement_timeout")).isFalse();
    }

    /** The list replaces IntervalStyle rather than adding to it, as in PgBouncer; the built-ins always stay. */
    @Test
    void aConfiguredListReplacesTheDefaultButNotTheBuiltIns() {
        TrackedParameters tracked = TrackedParameters.of(List.of("search_path"));
        assertThat(tracked.contains("IntervalStyle")).isFalse();
        assertThat(tracked.names()).containsAll(TrackedParameters.BUILT_IN).contains("search_path");
        assertThat(TrackedParameters.of(List.of()).names()).isEqualTo(TrackedParameters.BUILT_IN);
    }

    @Test
    void optionsAndReadOnlyParametersCannotBeTracked() {
        assertThat(TrackedParameters.of(List.of("options", "OPTIONS", "", "Server_Version", "is_superuser",
                "in_hot_standby")).names()).isEqualTo(TrackedParameters.BUILT_IN);
    }
}
