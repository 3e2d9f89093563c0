package io.tidepool.pooler.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Every SHOW command's columns (names, order, wire types) equal PgBouncer 1.25.2's, held as data. */
class ShowColumnsTest {
    /** Tidepool's own SHOW commands, which PgBouncer does not have. */
    private static final java.util.Set<String> TIDEPOOL_ONLY = java.util.Set.of("HOSTS", "VRRP");

    @ParameterizedTest
    @EnumSource(value = ShowCommand.class, mode = EnumSource.Mode.EXCLUDE, names = {"HOSTS", "VRRP"})
    void columnsArePgBouncers(ShowCommand command) {
        var expected = PgBouncerColumns.V1_25_2.get(command.name());
        assertThat(expected).as("reference for " + command).isNotNull();
        var actual = command.columns().stream().map(c -> c.name() + ":" + c.type().code()).toList();
        assertThat(actual).as("SHOW " + command).containsExactlyElementsOf(expected);
    }

    @Test
    void everyPgBouncerCommandExists() {
        assertThat(Arrays.stream(ShowCommand.values()).map(Enum::name).filter(name -> !TIDEPOOL_ONLY.contains(name))
                .toList()).containsExactlyInAnyOrderElementsOf(PgBouncerColumns.V1_25_2.keySet());
    }
}
