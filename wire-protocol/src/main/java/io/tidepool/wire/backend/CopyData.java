package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.Objects;

/**
 * CopyData ('d', backend): COPY TO STDOUT data, or WAL and keepalives in copy-both mode.
 * On the data path it is streamed as {@link io.tidepool.wire.FramePart}s and never becomes this record; the record
 * serves tests and fakes. Same layout as {@link io.tidepool.wire.frontend.CopyData}.
 */
public record CopyData(byte[] data) implements BackendPassThrough {
    public static final byte TYPE = 'd';

    public CopyData {
        data = Objects.requireNonNull(data, "data").clone();
    }

    public static CopyData decode(ByteBuf body) {
        return new CopyData(Bodies.readBytes(body, body.readableBytes(), "CopyData data"));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeBytes(data);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CopyData other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CopyData[<" + data.length + " bytes>]";
    }
}
