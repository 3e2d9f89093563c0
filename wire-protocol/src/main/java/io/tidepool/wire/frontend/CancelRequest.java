package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.StartupCode;

import java.util.Arrays;
import java.util.Objects;

/**
 * CancelRequest: sent on a new connection, carrying the process id and secret key from BackendKeyData. The key is 4
 * bytes in protocol 3.0 and up to 256 in 3.2.
 */
public record CancelRequest(int processId, byte[] secretKey) implements StartupPacket {
    public CancelRequest {
        Objects.requireNonNull(secretKey, "secretKey");
        if (secretKey.length < 4 || secretKey.length > 256) {
            throw new ProtocolException("CancelRequest secret key length: " + secretKey.length
                    + " (expected: 4..256)");
        }
        secretKey = secretKey.clone();
    }

    @Override
    public byte[] secretKey() {
        return secretKey.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeInt(12 + secretKey.length).writeInt(StartupCode.CANCEL_REQUEST).writeInt(processId)
                .writeBytes(secretKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CancelRequest other && processId == other.processId
                && Arrays.equals(secretKey, other.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "CancelRequest[processId=" + processId + ", secretKey=<" + secretKey.length + " bytes>]";
    }
}
