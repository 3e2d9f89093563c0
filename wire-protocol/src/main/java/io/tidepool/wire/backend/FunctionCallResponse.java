package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;
import org.jspecify.annotations.Nullable;

import java.util.Arrays;

/** FunctionCallResponse ('V'): the result of a FunctionCall; {@code null} is SQL NULL (length -1). */
public record FunctionCallResponse(byte @Nullable [] result) implements BackendPassThrough {
    public static final byte TYPE = 'V';

    public FunctionCallResponse {
        result = result == null ? null : result.clone();
    }

    public static FunctionCallResponse decode(ByteBuf body) {
        byte[] result = Bodies.readNullableBytes(body, "FunctionCallResponse result");
        Bodies.requireFullyRead("FunctionCallResponse", body);
        return new FunctionCallResponse(result);
    }

    @Override
    public byte @Nullable [] result() {
        return result == null ? null : result.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        Bodies.writeNullableBytes(out, result);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionCallResponse other && Arrays.equals(result, other.result);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        return "FunctionCallResponse[<" + (result == null ? "NULL" : result.length + " bytes") + ">]";
    }
}
