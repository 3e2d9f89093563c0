package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tidepool.wire.buf.LengthPrefix;
import io.tidepool.wire.error.ErrorField;
import io.tidepool.wire.error.Severity;
import io.tidepool.wire.error.SqlState;

import java.util.Objects;

/**
 * ErrorResponse ('E'). Decoded on the data path to classify errors (an unsolicited 57P01 means the server is going
 * away); built by the pooler for its own errors. A server error without a {@code C} field (CVE-2026-6666) decodes
 * fine and reports {@link #code()} as XX000.
 */
public record ErrorResponse(Fields fields) implements ControlMessage {
    public static final byte TYPE = 'E';

    public ErrorResponse {
        Objects.requireNonNull(fields, "fields");
    }

    public static ErrorResponse of(Severity severity, SqlState state, String message) {
        return new ErrorResponse(Fields.of(severity, state, message));
    }

    public static ErrorResponse error(SqlState state, String message) {
        return of(Severity.ERROR, state, message);
    }

    public static ErrorResponse fatal(SqlState state, String message) {
        return of(Severity.FATAL, state, message);
    }

    /** A FATAL error with a code given as text (relaying a server's SQLSTATE). */
    public static ErrorResponse fatal(String code, String message) {
        return new ErrorResponse(Fields.of(Severity.FATAL, code, message));
    }

    public static ErrorResponse decode(ByteBuf body) {
        return new ErrorResponse(Fields.decode(body, "ErrorResponse"));
    }

    public ErrorResponse withDetail(String detail) {
        return new ErrorResponse(fields.with(ErrorField.DETAIL, detail));
    }

    public ErrorResponse withHint(String hint) {
        return new ErrorResponse(fields.with(ErrorField.HINT, hint));
    }

    /** The SQLSTATE, or XX000 when the sender omitted it. */
    public String code() {
        String code = fields.get(ErrorField.CODE);
        return code != null ? code : SqlState.INTERNAL_ERROR.code();
    }

    public String message() {
        String message = fields.get(ErrorField.MESSAGE);
        return message != null ? message : "";
    }

    /** The non-localized severity when present (9.6+), else the localized one. */
    public String severity() {
        String severity = fields.get(ErrorField.SEVERITY_NONLOCALIZED);
        if (severity == null) {
            severity = fields.get(ErrorField.SEVERITY);
        }
        return severity != null ? severity : "ERROR";
    }

    public boolean isFatal() {
        String severity = severity();
        return severity.equals("FATAL") || severity.equals("PANIC");
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        fields.encodeBody(out);
        LengthPrefix.end(out, at);
    }

    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(64 + message().length());
        encode(out);
        return out;
    }
}
