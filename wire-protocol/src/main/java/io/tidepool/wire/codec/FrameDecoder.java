package io.tidepool.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tidepool.wire.Frame;
import io.tidepool.wire.FramePart;
import io.tidepool.wire.Limits;
import io.tidepool.wire.MessageRun;
import io.tidepool.wire.Printable;
import io.tidepool.wire.ProtocolException;
import io.tidepool.wire.WireUnit;
import org.jspecify.annotations.Nullable;

/**
 * Splits the typed part of a connection's byte stream into {@link Frame}s. Reads the 5-byte header and nothing else
 * (DESIGN hot-path rule 1): each frame is a retained slice of the bytes as they arrived, or, when one unit is all a
 * read brought, that read's buffer itself.
 *
 * <p>The header is validated before anything is buffered: an unknown type byte, a length below 4 or above the
 * per-type limit fails at once with a {@link ProtocolException}, never after waiting for (or allocating) the declared
 * body. A frame of a streamable type longer than {@link Limits#streamThreshold()} is emitted as {@link FramePart}s as
 * its bytes arrive, so the pooler's memory does not grow with the size of a message.
 *
 * <p>Each unit is passed to the next handler as soon as it is cut, before the next one is looked at, so the owner's
 * state when a unit is decoded is its state after handling the one before (see {@link #joinRuns}).
 *
 * <p>Not a {@code ByteToMessageDecoder}: this decoder runs for every message the pooler relays, and Netty's base class
 * costs an output list, a second loop and a second pipeline hop per read (about 7 % of the event loop's user time
 * in a tpcb-like profile). Only the bytes of an incomplete message are kept between reads ({@link #partial}).
 *
 * <p>Lives on one channel's pipeline; touched only by that channel's event loop.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    public static final String NAME = "frame-decoder";
    /** Bytes a streamed message's first part holds at least: the header and 1 KiB of body. */
    public static final int STREAM_HEAD = Frame.HEADER_LENGTH + 1024;

    private final Direction direction;
    private final Limits limits;

    /** Bytes of a streamed message still to come; 0 when between messages. */
    private int streamRemaining;
    private byte streamType;
    private int streamLength;

    /**
     * The start of a message whose bytes have not all arrived, or null. Its memory before the writer index may be
     * shared with units already passed on (retained slices), so it is appended to only in place and never compacted.
     */
    private @Nullable ByteBuf partial;

    /** Bytes arrived since the last read completed, and whether a unit was passed on (see channelReadComplete). */
    private boolean gotBytes;
    private boolean passedOn;

    /** The buffer being decoded went to a unit whole ({@link #cut}): it is no longer this decoder's to keep or free. */
    private boolean handedOn;

    public FrameDecoder(Direction direction, Limits limits) {
        this.direction = direction;
        this.limits = limits;
    }

    /** Run mode: whole messages that arrived together are emitted as one {@link MessageRun}. */
    private boolean joinRuns;

    /** Set after the first error: the stream is out of sync, so later bytes are discarded, never decoded. */
    private boolean failed;

    /**
     * Switches run mode, for a connection whose messages are forwarded (a linked server, whose relay walks a run's
     * headers itself). A run never reaches past a message after which the owner's state may change ({@link
     * Direction#endsRun}), and each unit is handled before the next is cut: switching the mode off after a
     * ReadyForQuery takes effect for the very next message.
     */
    public void joinRuns(boolean on) {
        joinRuns = on;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf data)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (failed) {
            data.release();                                 // the connection is being closed
            return;
        }
        gotBytes = true;
        ByteBuf in = withPartial(ctx, data);
        handedOn = false;
        try {
            decodeFrames(ctx, in);
        } catch (ProtocolException e) {
            failed = true;
            in.release();
            throw e;
        }
        if (handedOn) {
            return;
        }
        if (in.isReadable() && ctx.isRemoved()) {
            ctx.fireChannelRead(in);                        // removed while its unit was handled: pass the rest on
        } else if (in.isReadable()) {
            partial = in;
        } else {
            in.release();
        }
    }

    /** The bytes to decode: {@code data} after what is left of an incomplete message, if any. */
    private ByteBuf withPartial(ChannelHandlerContext ctx, ByteBuf data) {
        ByteBuf p = partial;
        if (p == null) {
            return data;
        }
        partial = null;
        int n = data.readableBytes();
        if (p.writableBytes() >= n) {
            p.writeBytes(data);                             // past the writer index: no unit shares these bytes
            data.release();
            return p;
        }
        // Doubling keeps a large message that arrives in many reads linear in its size. p holds less than one
        // message (at most 2^30 bytes, checked on its header) and n at most one read, so this fits an int.
        long doubled = Math.min(2L * p.readableBytes(), Integer.MAX_VALUE - 8);
        int size = (int) Math.max((long) p.readableBytes() + n, doubled);
        ByteBuf joined = ctx.alloc().buffer(size).writeBytes(p).writeBytes(data);
        p.release();
        data.release();
        return joined;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (gotBytes && !passedOn && !ctx.channel().config().isAutoRead()) {
            // Only part of a message arrived: its rest is needed even while the owner holds reading back (as
            // ByteToMessageDecoder does), or the connection would wait forever for the bytes it never reads.
            ctx.read();
        }
        gotBytes = false;
        passedOn = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePartial();                                   // the rest of that message will never come
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        ByteBuf p = partial;
        if (p != null && !failed) {
            partial = null;
            ctx.fireChannelRead(p);                         // bytes not decoded belong to whoever comes next
        } else {
            releasePartial();
        }
    }

    private void releasePartial() {
        ByteBuf p = partial;
        partial = null;
        if (p != null) {
            p.release();
        }
    }

    private void decodeFrames(ChannelHandlerContext ctx, ByteBuf in) {
        while (!handedOn && in.isReadable() && !ctx.isRemoved()) {
            if (streamRemaining > 0) {
                int n = Math.min(streamRemaining, in.readableBytes());
                streamRemaining -= n;
                passOn(ctx, new FramePart(streamType, streamLength, cut(in, n), false, streamRemaining == 0));
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
            if (in.readableBytes() >= total) {
                int run = joinRuns ? messageRun(in, total) : total;
                passOn(ctx, run == total ? new Frame(type, cut(in, total)) : new MessageRun(cut(in, run)));
            } else if (length > limits.streamThreshold() && direction.isStreamable(type)
                    && in.readableBytes() >= STREAM_HEAD) {
                // The first part carries at least STREAM_HEAD bytes, so the names at the start of a Bind or a
                // FunctionCall can be read (and rewritten) from it.
                int n = in.readableBytes();
                streamType = type;
                streamLength = length;
                streamRemaining = total - n;
                passOn(ctx, new FramePart(type, length, cut(in, n), true, false));
            } else {
                return;                                     // the rest comes with a later read
            }
        }
    }

    /**
     * The next {@code n} bytes of {@code in} for a unit: when they are all it holds, {@code in} itself with this
     * decoder's reference (no slice object, no extra reference count: the usual case, one message or run per read),
     * else a retained slice.
     */
    private ByteBuf cut(ByteBuf in, int n) {
        if (n == in.readableBytes()) {
            handedOn = true;
            return in;
        }
        return in.readRetainedSlice(n);
    }

    private void passOn(ChannelHandlerContext ctx, WireUnit unit) {
        passedOn = true;
        ctx.fireChannelRead(unit);
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
