package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tidepool.wire.Limits;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.buf.Bodies;
import io.tidepool.wire.error.SqlState;
import io.tidepool.wire.frontend.CancelRequest;
import io.tidepool.wire.frontend.GSSENCRequest;
import io.tidepool.wire.frontend.SSLRequest;
import io.tidepool.wire.frontend.StartupMessage;

import java.util.List;

/**
 * Decodes the untyped packets that open a client connection (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage) and, once a StartupMessage has been read, replaces itself with a {@link FrameDecoder}; bytes that
 * followed the StartupMessage in the same read are handed to it (Netty's self-removing decoder pattern).
 *
 * <p>Rules, from PostgreSQL's {@code ProcessStartupPacket} and the CVEs in RELIABILITY §1:
 * <ul>
 *   <li>the length is checked on the header (8..{@code MAX_STARTUP_PACKET_LENGTH}); an oversized packet is rejected
 *       without waiting for its body;</li>
 *   <li>an SSLRequest or GSSENCRequest may come once each; bytes already buffered behind one are plaintext that a
 *       man in the middle may have injected, so they are an error (CVE-2021-3935);</li>
 *   <li>only protocol major version 3 is accepted; a newer minor version is the caller's to negotiate.</li>
 * </ul>
 */
public final class StartupDecoder extends ByteToMessageDecoder {
    public static final String NAME = "startup-decoder";

    private final Limits limits;
    private boolean sslRequested;
    private boolean gssRequested;

    public StartupDecoder(Limits limits) {
        this.limits = limits;
    }

    /** Set after the first error: the stream is out of sync, so later bytes are discarded, never decoded. */
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            // The connection is being closed; channelInactive calls decode once more with the bad bytes still
            // buffered, which must not raise the same error twice (or parse garbage as the next message).
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodePacket(ctx, in, out);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodePacket(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < 8 || length > limits.maxStartupLength()) {
            throw new ProtocolException("invalid length of startup packet: " + Integer.toUnsignedString(length)
                    + " (expected: 8.." + limits.maxStartupLength() + ")");
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf packet = in.readSlice(length);
        packet.skipBytes(4);
        int code = packet.readInt();
        switch (code) {
            case StartupCode.SSL_REQUEST -> {
                Bodies.requireFullyRead("SSLRequest", packet);
                if (sslRequested) {
                    throw new ProtocolException("duplicate SSLRequest");
                }
                sslRequested = true;
                requireNothingBuffered(in, "SSL request");
                out.add(SSLRequest.INSTANCE);
            }
            case StartupCode.GSSENC_REQUEST -> {
                Bodies.requireFullyRead("GSSENCRequest", packet);
                if (gssRequested || sslRequested) {
                    throw new ProtocolException(gssRequested ? "duplicate GSSENCRequest"
                            : "GSSENCRequest after SSLRequest");
                }
                gssRequested = true;
                requireNothingBuffered(in, "GSSAPI encryption request");
                out.add(GSSENCRequest.INSTANCE);
            }
            case StartupCode.CANCEL_REQUEST -> {
                Bodies.requireRange("CancelRequest length", length, 16, 12 + 256);
                int pid = packet.readInt();
                byte[] key = Bodies.readBytes(packet, packet.readableBytes(), "CancelRequest secret key");
                out.add(new CancelRequest(pid, key));
            }
            default -> {
                int major = StartupCode.major(code);
                if (major != 3) {
                    throw new ProtocolException(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol "
                            + major + "." + StartupCode.minor(code) + ": server supports 3.0 to 3.2");
                }
                out.add(StartupMessage.decode(code, packet));
                // Typed messages follow; the leftover cumulation moves to the frame decoder.
                ctx.pipeline().replace(this, FrameDecoder.NAME, new FrameDecoder(Direction.FRONTEND, limits));
            }
        }
    }

    /**
     * Bytes received and not yet decoded. Zero right after an SSLRequest was emitted (anything else was already
     * refused); the TLS code checks it once more before installing an SslHandler (RELIABILITY §5, Netty trap).
     */
    public int buffered() {
        return actualReadableBytes();
    }

    private static void requireNothingBuffered(ByteBuf in, String what) {
        if (in.isReadable()) {
            // PgBouncer client.c: bytes that arrived before the handshake were not encrypted and may be injected.
            throw new ProtocolException("received unencrypted data after " + what);
        }
    }
}
