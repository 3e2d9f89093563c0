package io.tidepool.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.backend.BackendMessages;
import io.tidepool.wire.frontend.Bind;
import io.tidepool.wire.frontend.FrontendMessages;
import io.tidepool.wire.golden.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RELIABILITY §4 A case 13: internally inconsistent bodies. Counts and lengths are checked against the bytes that
 * arrived before anything is allocated; every failure is a {@link ProtocolException}, never an out-of-bounds read,
 * an {@code OutOfMemoryError} or a {@code NegativeArraySizeException}.
 */
class MessageBoundsTest {
    @Test
    void bindDeclaring65535ParametersWithAShortBodyFailsBeforeAllocating() {
        ByteBuf bind = message('B', b -> b.writeBytes(cstr("")).writeBytes(cstr("")).writeShort(0)
                .writeShort(65535).writeInt(1).writeByte('x'));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(bind))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Bind parameter count: 65535");
    }

    @ParameterizedTest
    @ValueSource(ints = {-2, Integer.MIN_VALUE, Integer.MAX_VALUE, 7})
    void bindParameterLengthMustBeMinusOneOrWhatArrived(int length) {
        ByteBuf bind = message('B', b -> b.writeBytes(cstr("")).writeBytes(cstr("")).writeShort(0).writeShort(1)
                .writeInt(length).writeInt(7).writeShort(0));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(bind))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Bind parameter 1 length: " + length);
    }

    @Test
    void bindWithNullParameterDecodes() {
        ByteBuf bind = message('B', b -> b.writeBytes(cstr("p")).writeBytes(cstr("s")).writeShort(0).writeShort(1)
                .writeInt(-1).writeShort(0));
        assertThat(FrontendMessages.decode(Frames.of(bind)))
                .isEqualTo(new Bind("p", "s", new int[0], new byte[][] {null}, new int[0]));
    }

    @Test
    void parseWithMoreParameterTypesThanBytes() {
        ByteBuf parse = message('P', b -> b.writeBytes(cstr("")).writeBytes(cstr("select $1")).writeShort(3)
                .writeInt(23));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(parse))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("Parse parameter type count: 3");
    }

    @Test
    void queryWithoutNulTerminator() {
        ByteBuf query = message('Q', b -> b.writeBytes("select 1".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(query))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("missing NUL terminator");
    }

    @Test
    void functionCallWithBogusArguments() {
        ByteBuf call = message('F', b -> b.writeInt(957).writeShort(0).writeShort(2).writeInt(4).writeInt(0)
                .writeInt(100).writeShort(0));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(call))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("FunctionCall argument 2 length: 100");
    }

    @Test
    void trailingBytesAfterTheLastFieldAreRejected() {
        ByteBuf execute = message('E', b -> b.writeBytes(cstr("")).writeInt(0).writeByte(1));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(execute))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("1 unexpected trailing bytes");
    }

    @Test
    void describeWithUnknownKind() {
        ByteBuf describe = message('D', b -> b.writeByte('X').writeBytes(cstr("")));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(describe))).isInstanceOf(ProtocolException.class)
                .hasMessage("Describe kind: 'X' (expected: 'S' or 'P')");
    }

    @Test
    void syncWithABodyIsRejected() {
        ByteBuf sync = message('S', b -> b.writeByte(0));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(sync))).isInstanceOf(ProtocolException.class);
    }

    /** The 'p' family is never guessed: only the exchange that asked knows which message it is. */
    @Test
    void passwordFamilyIsNotDecodedWithoutContext() {
        ByteBuf password = message('p', b -> b.writeBytes(cstr("secret")));
        assertThatThrownBy(() -> FrontendMessages.decode(Frames.of(password))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("no password, SASL or GSS response was requested");
        assertThat(FrontendMessages.decodePassword(Frames.of(password.resetReaderIndex())).password())
                .isEqualTo("secret");
    }

    @Test
    void saslInitialResponseDeclaringMoreDataThanSent() {
        ByteBuf sasl = message('p', b -> b.writeBytes(cstr("SCRAM-SHA-256")).writeInt(-2));
        assertThatThrownBy(() -> FrontendMessages.decodeSASLInitialResponse(Frames.of(sasl)))
                .isInstanceOf(ProtocolException.class);
        ByteBuf huge = message('p', b -> b.writeBytes(cstr("SCRAM-SHA-256")).writeInt(-1 >>> 1).writeByte('n'));
        assertThatThrownBy(() -> FrontendMessages.decodeSASLInitialResponse(Frames.of(huge)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("length: 2147483647");
    }

    @Test
    void dataRowDeclaringMoreColumnsThanBytes() {
        ByteBuf row = message('D', b -> b.writeShort(65535).writeInt(-1));
        assertThatThrownBy(() -> BackendMessages.decode(Frames.of(row))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("DataRow column count: 65535");
    }

    @Test
    void rowDescriptionWithTruncatedField() {
        ByteBuf description = message('T', b -> b.writeShort(1).writeBytes(cstr("id")).writeInt(0).writeShort(1)
                .writeBytes(new byte[10]));
        assertThatThrownBy(() -> BackendMessages.decode(Frames.of(description)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void copyResponseDeclaringMoreColumnsThanBytes() {
        ByteBuf copyIn = message('G', b -> b.writeByte(0).writeShort(40000).writeShort(0));
        assertThatThrownBy(() -> BackendMessages.decode(Frames.of(copyIn))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("CopyInResponse column count: 40000");
    }

    @Test
    void functionCallResponseWithNegativeLength() {
        ByteBuf response = message('V', b -> b.writeInt(-7));
        assertThatThrownBy(() -> BackendMessages.decode(Frames.of(response))).isInstanceOf(ProtocolException.class);
    }

    @ParameterizedTest
    @ValueSource(chars = {'Q', 'P', 'B', 'p', 'X', 'K', 'x'})
    void backendDecoderRejectsFrontendOnlyUnknownOrShortMessages(char type) {
        assertThatThrownBy(() -> BackendMessages.decode(Frames.of(message(type, b -> b.writeInt(0)))))
                .isInstanceOf(ProtocolException.class);
    }

    private static ByteBuf message(char type, Consumer<ByteBuf> body) {
        ByteBuf out = Unpooled.buffer().writeByte(type).writeInt(0);
        body.accept(out);
        return out.setInt(1, out.readableBytes() - 1);
    }

    private static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }
}
