package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;

import java.util.List;

/**
 * Splits the typed part of a connection's byte stream into {@link Frame}s. Reads the 5-byte header and nothing else
 * (DESIGN hot-path rule 1): each frame is a retained slice of the bytes as they arrived.
 *
 * <p>The header is validated before anything is buffered: an unknown type byte, a length below 4 or above the
 * per-type limit fails at once with a {@link ProtocolException}, never after waiting for (or allocating) the declared
 * body. A frame of a streamable type longer than {@link Limits#streamThreshold()} is emitted as {@link FramePart}s as
 * its bytes arrive, so the pooler's memory does not grow with the size of a message.
 *
 * <p>Lives on one channel's pipeline; touched only by that channel's event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    public static final String NAME = "frame-decoder";
    /** Bytes a streamed message's first part holds at least: the header and 1 KiB of body. */
    public static final int STREAM_HEAD = Frame.HEADER_LENGTH + 1024;

    private final Direction direction;
    private final Limits limits;

    /** Bytes of a streamed message still to come; 0 when between messages. */
    private int streamRemaining;
    private byte streamType;
    private int streamLength;

    public FrameDecoder(Direction direction, Limits limits) {
        this.direction = direction;
        this.limits = limits;
    }

    /** Run mode: whole messages that arrived together are emitted as one {@link MessageRun}, one unit per decode. */
    private boolean joinRuns;

    /** Set after the first error: the stream is out of sync, so later bytes are discarded, never decoded. */
    private boolean failed;

    /**
     * Switches run mode, for a connection whose messages are forwarded (a linked server, whose relay walks a run's
     * headers itself). In run mode each call of {@code decode} emits one unit, so that the owner's state when the
     * next unit is decoded is its state after handling this one (ByteToMessageDecoder fires the unit in between):
     * switching the mode off after a ReadyForQuery takes effect for the very next message.
     */
    public void joinRuns(boolean on) {
        joinRuns = on;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            // The connection is being closed; channelInactive calls decode once more with the bad bytes still
            // buffered, which must not raise the same error twice (or parse garbage as the next message).
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeFrames(ctx, in, out);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeFrames(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (streamRemaining > 0) {
                int n = Math.min(streamRemaining, in.readableBytes());
                streamRemaining -= n;
                out.add(new FramePart(streamType, streamLength, in.readRetainedSlice(n), false, streamRemaining == 0));
                if (joinRuns) {
                    return;
                }
                continue;
            }
            int start = in.readerIndex();
            byte type = in.getByte(start);
            // Judge the type byte as soon as it arrives: a 0x00 is e.g. a mid-stream SSLRequest (00 00 00 08 ...),
            // and waiting for four more bytes would let a peer hold the connection open (RELIABILITY case 7).
            if (!direction.isKnownType(type)) {
                throw new ProtocolException("invalid " + direction.describe() + " message type '"
                        + Printable.typeChar(type) + "'");
            }
            if (in.readableBytes() < Frame.HEADER_LENGTH) {
                return;
            }
            int length = in.getInt(start + 1);              // counts itself, not the type byte
            int max = direction.maxLength(type, limits);
            if (length < 4 || length > max) {
                throw new ProtocolException("message '" + Printable.typeChar(type) + "' length: "
                        + Integer.toUnsignedString(length) + " (expected: 4.." + max + ")");
            }
            // length <= max <= 2^30, so 1 + length cannot overflow.
            int total = 1 + length;
            if (in.readableBytes() >= total && joinRuns) {
                int run = messageRun(in, total);
                out.add(run == total ? new Frame(type, in.readRetainedSlice(total))
                        : new MessageRun(in.readRetainedSlice(run)));
                return;                                     // one unit per call: see joinRuns
            } else if (in.readableBytes() >= total) {
                out.add(new Frame(type, in.readRetainedSlice(total)));
            } else if (length > limits.streamThreshold() && direction.isStreamable(type)
                    && in.readableBytes() >= STREAM_HEAD) {
                // The first part carries at least STREAM_HEAD bytes, so the names at the start of a Bind or a
                // FunctionCall can be read (and rewritten) from it.
                int n = in.readableBytes();
                streamType = type;
                streamLength = length;
                streamRemaining = total - n;
                out.add(new FramePart(type, length, in.readRetainedSlice(n), true, false));
                if (joinRuns) {
                    return;
                }
            } else {
                return;                                     // called again when more bytes arrive
            }
        }
    }

    /**
     * The length of the run of whole, valid messages of any type that starts at the reader index (whose first message
     * is {@code first} bytes long). A run ends after a message that {@linkplain Direction#endsRun ends one} (the
     * owner's state may change there), before a message not wholly buffered (it may have to be streamed) and before
     * an invalid header (reported when it is decoded on its own).
     */
    private int messageRun(ByteBuf in, int first) {
        int start = in.readerIndex();
        int end = start + first;
        int limit = in.writerIndex();
        if (direction.endsRun(in.getByte(start))) {
            return first;
        }
        while (limit - end >= Frame.HEADER_LENGTH) {
            byte type = in.getByte(end);
            int length = in.getInt(end + 1);
            if (!direction.isKnownType(type) || length < 4 || length > direction.maxLength(type, limits)
                    || limit - end - 1 < length) {
                break;
            }
            end += 1 + length;
            if (direction.endsRun(type)) {
                break;
            }
        }
        return end - start;
    }

    /** Whether the decoder is in the middle of a streamed message (so a peer must not be released). */
    public boolean isStreaming() {
        return streamRemaining > 0;
    }
}
