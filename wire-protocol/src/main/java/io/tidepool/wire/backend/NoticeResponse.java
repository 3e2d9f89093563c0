package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.LengthPrefix;
import io.tidepool.wire.error.Severity;
import io.tidepool.wire.error.SqlState;

import java.util.Objects;

/** NoticeResponse ('N'): forwarded untouched from servers; built by the pooler for its own notices. */
public record NoticeResponse(Fields fields) implements BackendMessage {
    public static final byte TYPE = 'N';

    public NoticeResponse {
        Objects.requireNonNull(fields, "fields");
    }

    public static NoticeResponse of(Severity severity, SqlState state, String message) {
        return new NoticeResponse(Fields.of(severity, state, message));
    }

    public static NoticeResponse decode(ByteBuf body) {
        return new NoticeResponse(Fields.decode(body, "NoticeResponse"));
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        fields.encodeBody(out);
        LengthPrefix.end(out, at);
    }
}
