package io.tidepool.pooler.server;

import io.tidepool.wire.backend.ErrorResponse;
import org.jspecify.annotations.Nullable;

import java.util.function.Consumer;

/**
 * A query the pooler runs on its own behalf (server_reset_query, server_check_query, connect_query, parameter sync):
 * its result rows are discarded; its outcome is the first ErrorResponse, or none, delivered at ReadyForQuery.
 */
final class InternalQuery {
    private final String sql;
    private final Consumer<@Nullable ErrorResponse> onDone;
    private @Nullable ErrorResponse error;

    InternalQuery(String sql, Consumer<@Nullable ErrorResponse> onDone) {
        this.sql = sql;
        this.onDone = onDone;
    }

    String sql() {
        return sql;
    }

    void error(ErrorResponse response) {
        if (error == null) {
            error = response;
        }
    }

    void complete() {
        onDone.accept(error);
    }
}
