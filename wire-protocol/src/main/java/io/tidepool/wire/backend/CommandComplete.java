package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** CommandComplete ('C'): a command finished; the tag is e.g. {@code SELECT 3}, {@code INSERT 0 1}, {@code COPY 2}. */
public record CommandComplete(String tag) implements BackendPassThrough {
    public static final byte TYPE = 'C';

    public CommandComplete {
        Objects.requireNonNull(tag, "tag");
    }

    public static CommandComplete decode(ByteBuf body) {
        String tag = CStrings.read(body, "CommandComplete tag");
        Bodies.requireFullyRead("CommandComplete", body);
        return new CommandComplete(tag);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, tag);
        LengthPrefix.end(out, at);
    }
}
