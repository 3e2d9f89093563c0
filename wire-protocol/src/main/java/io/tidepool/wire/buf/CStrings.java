package io.tidepool.wire.buf;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * NUL-terminated strings (the protocol's {@code String} type), read with a bound so that untrusted input can never
 * make us scan or allocate more than it actually sent.
 */
public final class CStrings {
    private CStrings() {
    }

    /**
     * Reads one NUL-terminated UTF-8 string and consumes the terminator.
     *
     * @param what      names the field in the error text
     * @param maxLength longest accepted string in bytes, terminator excluded
     * @throws ProtocolException if there is no terminator within the readable bytes or the bound
     */
    public static String read(ByteBuf in, int maxLength, String what) {
        int start = in.readerIndex();
        int scan = Math.min(in.readableBytes(), maxLength + 1);
        int nul = in.indexOf(start, start + scan, (byte) 0);
        if (nul < 0) {
            if (in.readableBytes() > maxLength) {
                throw new ProtocolException(what + " length: more than " + maxLength + " bytes (expected: <= "
                        + maxLength + ")");
            }
            throw new ProtocolException(what + ": missing NUL terminator");
        }
        String value = in.toString(start, nul - start, StandardCharsets.UTF_8);
        in.readerIndex(nul + 1);
        return value;
    }

    /**
     * Like {@link #read(ByteBuf, int, String)}, but the bytes must be valid UTF-8: for identifiers such as startup
     * parameter names, where a malformed sequence is a protocol violation rather than text to pass on.
     */
    public static String readUtf8(ByteBuf in, int maxLength, String what) {
        int start = in.readerIndex();
        String value = read(in, maxLength, what);
        int length = in.readerIndex() - start - 1;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in.nioBuffer(start, length));
        } catch (CharacterCodingException e) {
            throw new ProtocolException(what + ": invalid UTF-8 (" + e.getMessage() + ")");
        }
        return value;
    }

    /** Reads a string bounded only by the readable bytes (the frame around it has already been bounded). */
    public static String read(ByteBuf in, String what) {
        return read(in, in.readableBytes(), what);
    }

    /** Skips one NUL-terminated string without decoding it; returns its length in bytes. */
    public static int skip(ByteBuf in, String what) {
        int start = in.readerIndex();
        int nul = in.indexOf(start, in.writerIndex(), (byte) 0);
        if (nul < 0) {
            throw new ProtocolException(what + ": missing NUL terminator");
        }
        in.readerIndex(nul + 1);
        return nul - start;
    }

    public static void write(ByteBuf out, String value) {
        out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.writeByte(0);
    }

    /** Bytes {@link #write} produces for {@code value}. */
    public static int encodedLength(String value) {
        return io.netty.buffer.ByteBufUtil.utf8Bytes(value) + 1;
    }
}
