package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The header test that decides which Query bodies are decoded, and the parse of the ones that are. */
class SetCaptureTest {

    /** A Query body as it arrives: the SQL text and its terminating NUL, in a direct buffer. */
    private static ByteBuf body(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(text.length).writeBytes(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET TimeZone = 'UTC'", "set search_path to a", "  \n\tSET x = 1", "RESET ALL",
            "reset role", "Set\tstatement_timeout=0"})
    void setAndResetAreLookedAt(String sql) {
        ByteBuf body = body(sql);
        assertThat(SetCapture.mayBeSet(body)).isTrue();
        body.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "select set_config('a','b',false)", "settings", "SETx = 1", "", "   ",
            "RESETTING", "BEGIN; SET x = 1", "show timezone", "s", "r"})
    void otherQueriesAreNot(String sql) {
        ByteBuf body = body(sql);
        assertThat(SetCapture.mayBeSet(body)).isFalse();
        body.release();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SET TimeZone = 'UTC'|timezone|UTC",
            "set search_path to a, b|search_path|a, b",
            "SET SESSION AUTHORIZATION alice|session_authorization|alice",
            "RESET ROLE|role|",
            "SET statement_timeout TO DEFAULT|statement_timeout|"})
    void plainSetsAreCaptured(String sql, String name, String value) {
        SetCapture capture = SetCapture.of(sql);
        assertThat(capture).isNotNull();
        assertThat(capture.name()).isEqualTo(name);
        assertThat(capture.value()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET LOCAL x = 1", "SET x = 1; SELECT 1", "RESET ALL", "SET TRANSACTION READ ONLY",
            "SET x = E'a'"})
    void otherFormsAreNot(String sql) {
        assertThat(SetCapture.of(sql)).isNull();
    }
}
