package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.CStrings;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Objects;

/** ParameterStatus ('S'): the current value of a GUC_REPORT run-time parameter. */
public record ParameterStatus(String name, String value) implements ControlMessage {
    public static final byte TYPE = 'S';

    public ParameterStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static ParameterStatus decode(ByteBuf body) {
        String name = CStrings.read(body, "ParameterStatus name");
        String value = CStrings.read(body, "ParameterStatus value");
        Bodies.requireFullyRead("ParameterStatus", body);
        return new ParameterStatus(name, value);
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        CStrings.write(out, name);
        CStrings.write(out, value);
        LengthPrefix.end(out, at);
    }
}
