package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.error.ErrorField;
import io.tidepool.wire.error.Severity;
import io.tidepool.wire.error.SqlState;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;

/**
 * The body shared by ErrorResponse and NoticeResponse: (code byte, string) pairs ended by a NUL byte, kept in the
 * order received so that a relayed error is byte-identical.
 */
public record Fields(List<Field> list) {
    /** One field: a code from {@link ErrorField} and its text. */
    public record Field(byte code, String value) {
    }

    /** Fields per message are few (about 18 codes exist); more is hostile input. */
    private static final int MAX_FIELDS = 64;

    public Fields {
        list = List.copyOf(list);
    }

    public static Fields of(Severity severity, SqlState state, String message) {
        return of(severity, state.code(), message);
    }

    /** For relaying a code that has no {@link SqlState} constant. */
    public static Fields of(Severity severity, String code, String message) {
        return new Fields(List.of(
                new Field(ErrorField.SEVERITY, severity.name()),
                new Field(ErrorField.SEVERITY_NONLOCALIZED, severity.name()),
                new Field(ErrorField.CODE, code),
                new Field(ErrorField.MESSAGE, message)));
    }

    static Fields decode(ByteBuf body, String what) {
        List<Field> fields = new ArrayList<>();
        while (true) {
            if (!body.isReadable()) {
                throw new ProtocolException(what + ": missing terminating NUL");
            }
            byte code = body.readByte();
            if (code == 0) {
                break;
            }
            if (fields.size() == MAX_FIELDS) {
                throw new ProtocolException(what + " field count: more than " + MAX_FIELDS);
            }
            fields.add(new Field(code, CStrings.read(body, what + " field")));
        }
        if (body.isReadable()) {
            throw new ProtocolException(what + ": " + body.readableBytes() + " unexpected trailing bytes");
        }
        return new Fields(fields);
    }

    void encodeBody(ByteBuf out) {
        for (Field field : list) {
            out.writeByte(field.code());
            CStrings.write(out, field.value());
        }
        out.writeByte(0);
    }

    public @Nullable String get(byte code) {
        for (Field field : list) {
            if (field.code() == code) {
                return field.value();
            }
        }
        return null;
    }

    public Fields with(byte code, String value) {
        List<Field> copy = new ArrayList<>(list);
        copy.add(new Field(code, value));
        return new Fields(copy);
    }
}
