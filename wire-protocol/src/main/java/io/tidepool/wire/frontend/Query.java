package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** Query ('Q'): a simple-protocol query string, possibly several statements separated by semicolons. */
public record Query(String sql) implements FrontendMessage {
    public static final byte TYPE = 'Q';

    public Query {
        Objects.requireNonNull(sql, "sql");
    }

    public static Query decode(ByteBuf body) {
        String sql = CStrings.read(body, "Query string");
        Bodies.requireFullyRead("Query", body);
        return new Query(sql);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, sql);
        LengthPrefix.end(out, at);
    }
}
