package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.buf.LengthPrefix;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * BackendKeyData ('K'): the process id and secret key a client needs to cancel its query. The key is exactly 4 bytes
 * in protocol 3.0 and 4..256 bytes in 3.2 (PostgreSQL 18 sends 32).
 */
public record BackendKeyData(int processId, byte[] secretKey) implements ControlMessage {
    public static final byte TYPE = 'K';
    public static final int MAX_KEY_LENGTH = 256;

    public BackendKeyData {
        Objects.requireNonNull(secretKey, "secretKey");
        if (secretKey.length < 4 || secretKey.length > MAX_KEY_LENGTH) {
            throw new ProtocolException("BackendKeyData secret key length: " + secretKey.length + " (expected: 4.."
                    + MAX_KEY_LENGTH + ")");
        }
        secretKey = secretKey.clone();
    }

    public static BackendKeyData decode(ByteBuf body) {
        Bodies.requireAtLeast("BackendKeyData", body, 8);
        int pid = body.readInt();
        byte[] key = Bodies.readBytes(body, body.readableBytes(), "BackendKeyData secret key");
        return new BackendKeyData(pid, key);
    }

    @Override
    public byte[] secretKey() {
        return secretKey.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int at = LengthPrefix.begin(out, TYPE);
        out.writeInt(processId).writeBytes(secretKey);
        LengthPrefix.end(out, at);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendKeyData other && processId == other.processId
                && Arrays.equals(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    /** The key is a secret: only its length is shown. */
    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=<" + secretKey.length + " bytes>]";
    }

    /** Hex of the key, for tests only. */
    String keyHex() {
        return HexFormat.of().formatHex(secretKey);
    }
}
