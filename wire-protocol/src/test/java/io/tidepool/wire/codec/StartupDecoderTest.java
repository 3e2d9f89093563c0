package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidepool.wire.Frame;
import io.tidepool.wire.Limits;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.SSLRequest;
import io.tidepool.wire.frontend.StartupMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** StartupDecoder against RELIABILITY §4 A cases 1, 2, 4, 6 (decoder part) and 7. */
class StartupDecoderTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(StartupDecoder.NAME, new StartupDecoder(Limits.DEFAULT));
    }

    @AfterEach
    void tearDown() {
        io.tidepool.wire.golden.Frames.releaseInbound(channel);
        channel.finishAndReleaseAll();
    }

    /** Case 1: a length below the 8-byte minimum or with the sign bit set fails on the 4-byte header alone. */
    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7, 0xFFFFFFFF, 0x80000000})
    void rejectsImpossibleLengthOnTheHeader(int length) {
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeInt(length)))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("invalid length of startup packet: " + Integer.toUnsignedString(length))
                .satisfies(e -> assertThat(((ProtocolException) e).sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
    }

    /** Case 2: an oversized declaration is refused as soon as the header is there; nothing waits for the body. */
    @ParameterizedTest
    @ValueSource(ints = {10001, 65536, Integer.MAX_VALUE})
    void rejectsOversizedPacketWithoutWaitingForItsBody(int length) {
        ByteBuf eightBytes = Unpooled.buffer().writeInt(length).writeInt(StartupCode.PROTOCOL_3_0);
        assertThatThrownBy(() -> channel.writeInbound(eightBytes)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("(expected: 8..10000)");
    }

    @Test
    void acceptsTheLargestAllowedPacket() {
        var body = new ByteArrayOutputStream();
        body.writeBytes("user\0alice\0application_name\0".getBytes(StandardCharsets.UTF_8));
        byte[] prefix = body.toByteArray();
        int valueLength = 10000 - 8 - prefix.length - 2;
        body.writeBytes("x".repeat(valueLength).getBytes(StandardCharsets.UTF_8));
        body.write(0);
        body.write(0);
        assertThat(channel.writeInbound(packet(StartupCode.PROTOCOL_3_0, body.toByteArray()))).isTrue();
        StartupMessage message = channel.readInbound();
        assertThat(message.parameters().get("application_name")).hasSize(valueLength);
    }

    /** Case 4: malformed bodies (missing final NUL, key without value, trailing bytes, non-UTF-8 or empty key). */
    @ParameterizedTest
    @ValueSource(strings = {
            "user\0alice\0",                // no terminating NUL
            "user\0alice\0database\0",      // key without value (odd string count)
            "user\0alice",                  // value without its NUL
            "user\0alice\0\0junk",          // bytes after the terminator
            "\0alice\0\0",                  // empty key: ends the list, the rest is trailing garbage
            "user\0alice\0user\0bob\0\0",   // duplicate key
    })
    void rejectsMalformedStartupBodies(String body) {
        assertThatThrownBy(() -> channel.writeInbound(packet(StartupCode.PROTOCOL_3_0,
                body.getBytes(StandardCharsets.ISO_8859_1)))).isInstanceOf(ProtocolException.class);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void rejectsNonUtf8ParameterName() {
        byte[] body = HexFormat.of().parseHex("75c3" + "00" + "61" + "00" + "00");    // "u\xc3" is truncated UTF-8
        assertThatThrownBy(() -> channel.writeInbound(packet(StartupCode.PROTOCOL_3_0, body)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("invalid UTF-8");
    }

    /** Case 6, decoder part: only major version 3 passes; the minor version is the session's to negotiate. */
    @ParameterizedTest
    @ValueSource(ints = {0x00020000, 0x00040000, 80877105})
    void rejectsOtherMajorVersionsAndUnknownCodes(int code) {
        assertThatThrownBy(() -> channel.writeInbound(packet(code, "user\0a\0\0".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).sqlState())
                        .isEqualTo(SqlState.FEATURE_NOT_SUPPORTED));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00030000, 0x00030001, 0x00030002, 0x00030063})
    void passesEveryThreeDotXVersionOnForNegotiation(int code) {
        channel.writeInbound(packet(code, "user\0a\0\0".getBytes(StandardCharsets.UTF_8)));
        StartupMessage message = channel.readInbound();
        assertThat(message.protocolVersion()).isEqualTo(code);
        assertThat(message.parameters()).isEqualTo(Map.of("user", "a"));
        assertThat(channel.pipeline().get(FrameDecoder.class)).as("handed over to the frame decoder").isNotNull();
    }

    /** Case 7: a second SSLRequest after the 'N' answer is a protocol violation. */
    @Test
    void rejectsDuplicateSSLRequest() {
        channel.writeInbound(sslRequest());
        assertThat(channel.<Object>readInbound()).isEqualTo(SSLRequest.INSTANCE);
        assertThatThrownBy(() -> channel.writeInbound(sslRequest())).isInstanceOf(ProtocolException.class)
                .hasMessage("duplicate SSLRequest");
    }

    /** Case 8's decoder part (CVE-2021-3935): plaintext in the same write as the SSLRequest may be injected. */
    @Test
    void rejectsBytesBufferedBehindSSLRequest() {
        ByteBuf both = sslRequest().writeBytes(packet(StartupCode.PROTOCOL_3_0,
                "user\0mallory\0\0".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> channel.writeInbound(both)).isInstanceOf(ProtocolException.class)
                .hasMessage("received unencrypted data after SSL request");
        assertThat(channel.<Object>readInbound()).as("the request is not passed on").isNull();
    }

    /**
     * Case 7, mid-stream: after the StartupMessage, {@code 00 00 00 08 04 d2 16 2f} is a typed message with type 0x00,
     * refused on its first byte rather than after waiting for a "length".
     */
    @Test
    void rejectsSSLRequestAfterStartupOnItsFirstByte() {
        channel.writeInbound(packet(StartupCode.PROTOCOL_3_0, "user\0a\0\0".getBytes(StandardCharsets.UTF_8)));
        assertThat(channel.<Object>readInbound()).isInstanceOf(StartupMessage.class);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte(0)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("invalid frontend message type '\\x00'");
    }

    @Test
    void handsBytesAfterTheStartupMessageToTheFrameDecoder() {
        ByteBuf both = packet(StartupCode.PROTOCOL_3_0, "user\0a\0\0".getBytes(StandardCharsets.UTF_8))
                .writeBytes(new byte[] {'S', 0, 0, 0, 4});
        channel.writeInbound(both);
        assertThat(channel.<Object>readInbound()).isInstanceOf(StartupMessage.class);
        Frame sync = channel.readInbound();
        try {
            assertThat(sync.type()).isEqualTo((byte) 'S');
            assertThat(sync.length()).isEqualTo(4);
        } finally {
            sync.release();
        }
    }

    static ByteBuf packet(int code, byte[] body) {
        return Unpooled.buffer().writeInt(8 + body.length).writeInt(code).writeBytes(body);
    }

    static ByteBuf sslRequest() {
        return Unpooled.buffer().writeInt(8).writeInt(StartupCode.SSL_REQUEST);
    }
}
