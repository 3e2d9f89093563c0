package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * CommandComplete tags the pooler reacts to, compared on the bytes of the body (tag and NUL) without decoding them:
 * DEALLOCATE ALL / DISCARD ALL drop every prepared statement; LISTEN, PREPARE and SET leave session state;
 * COMMIT and ROLLBACK settle the fate of a SET inside a transaction block.
 */
public final class CommandTag {
    public static final byte[] DEALLOCATE_ALL = tag("DEALLOCATE ALL");
    public static final byte[] DISCARD_ALL = tag("DISCARD ALL");
    static final byte[] LISTEN = tag("LISTEN");
    static final byte[] PREPARE = tag("PREPARE");
    static final byte[] SET = tag("SET");
    /** COMMIT and END (also AND CHAIN); PostgreSQL answers COMMIT of a failed block with ROLLBACK instead. */
    static final byte[] COMMIT = tag("COMMIT");
    /** ROLLBACK, ABORT, ROLLBACK TO SAVEPOINT, and COMMIT of a failed block. */
    static final byte[] ROLLBACK = tag("ROLLBACK");

    private CommandTag() {
    }

    private static byte[] tag(String text) {
        return (text + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether a CommandComplete body is exactly {@code tag}. */
    public static boolean is(ByteBuf body, byte[] tag) {
        if (body.readableBytes() != tag.length) {
            return false;
        }
        for (int i = 0; i < tag.length; i++) {
            if (body.getByte(body.readerIndex() + i) != tag[i]) {
                return false;
            }
        }
        return true;
    }
}
