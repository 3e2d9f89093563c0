package io.tidepool.pooler.admin;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.backend.ErrorResponse;
import io.tidepool.wire.backend.NoticeResponse;
import io.tidepool.wire.backend.ReadyForQuery;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;
import io.tidepool.wire.error.Severity;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes console answers as backend messages (protocol-message-formats.html): RowDescription, DataRow,
 * CommandComplete, and the extended-protocol acknowledgements. Every column is sent in text format (format code 0),
 * as PgBouncer does, with the type OID of {@link PgType}. Stateless; writes into the caller's buffer.
 */
public final class ResultSetWriter {
    private ResultSetWriter() {
    }

    /** RowDescription ('T') for {@code columns}: no table OID, no attribute number, typmod -1, text format. */
    public static void rowDescription(ByteBuf out, List<Column> columns) {
        int at = LengthPrefix.begin(out, (byte) 'T');
        out.writeShort(columns.size());
        for (Column column : columns) {
            CStrings.write(out, column.name());
            out.writeInt(0);                              // table OID
            out.writeShort(0);                            // column attribute number
            out.writeInt(column.type().oid());
            out.writeShort(column.type().size());
            out.writeInt(-1);                             // type modifier
            out.writeShort(0);                            // format code: text
        }
        LengthPrefix.end(out, at);
    }

    /** DataRow ('D') messages for {@code rows}; starting at {@code from}, at most {@code limit} (0: all). */
    public static int dataRows(ByteBuf out, List<List<@Nullable String>> rows, int from, int limit) {
        int end = limit <= 0 ? rows.size() : Math.min(rows.size(), from + limit);
        for (int r = from; r < end; r++) {
            List<@Nullable String> row = rows.get(r);
            int at = LengthPrefix.begin(out, (byte) 'D');
            out.writeShort(row.size());
            for (String value : row) {
                if (value == null) {
                    out.writeInt(-1);
                } else {
                    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(bytes.length);
                    out.writeBytes(bytes);
                }
            }
            LengthPrefix.end(out, at);
        }
        return end;
    }

    /** CommandComplete ('C') with {@code tag}. */
    public static void commandComplete(ByteBuf out, String tag) {
        int at = LengthPrefix.begin(out, (byte) 'C');
        CStrings.write(out, tag);
        LengthPrefix.end(out, at);
    }

    /** Notices, then (if any) RowDescription and every DataRow, then CommandComplete: a simple-query answer. */
    public static void whole(ByteBuf out, ResultSet result) {
        notices(out, result);
        if (result.hasRows()) {
            rowDescription(out, result.columns());
            dataRows(out, result.rows(), 0, 0);
        }
        commandComplete(out, result.tag());
    }

    public static void notices(ByteBuf out, ResultSet result) {
        for (String notice : result.notices()) {
            NoticeResponse.of(Severity.NOTICE, SqlState.SUCCESSFUL_COMPLETION, notice).encode(out);
        }
    }

    public static void error(ByteBuf out, SqlState state, String message) {
        ErrorResponse.error(state, message).encode(out);
    }

    public static void readyForQuery(ByteBuf out) {
        ReadyForQuery.IDLE.encode(out);
    }

    /** A message with an empty body: ParseComplete '1', BindComplete '2', CloseComplete '3', NoData 'n', ... */
    public static void empty(ByteBuf out, char type) {
        out.writeByte(type).writeInt(4);
    }

    /** ParameterDescription ('t') with no parameters: console statements take none. */
    public static void noParameters(ByteBuf out) {
        out.writeByte('t').writeInt(6).writeShort(0);
    }

    /** PortalSuspended ('s'): Execute's row limit was reached. */
    public static void portalSuspended(ByteBuf out) {
        empty(out, 's');
    }
}
