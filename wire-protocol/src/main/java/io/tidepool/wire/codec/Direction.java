package io.tidepool.wire.codec;

import io.tidepool.wire.Limits;

/**
 * Which side of the protocol a {@link FrameDecoder} reads: the set of legal type bytes, the per-type length limits and
 * the types that may be streamed differ between what clients send and what servers send.
 */
public enum Direction {
    /** Client to server: what the pooler reads from clients. */
    FRONTEND {
        @Override
        boolean isKnownType(byte type) {
            return switch (type) {
                case 'Q', 'P', 'B', 'D', 'C', 'E', 'S', 'H', 'F', 'd', 'c', 'f', 'p', 'X' -> true;
                default -> false;
            };
        }

        @Override
        int maxLength(byte type, Limits limits) {
            return switch (type) {
                // Fixed or near-fixed size: PostgreSQL's PQ_SMALL_MESSAGE_LIMIT applies (postgres.c).
                case 'S', 'H', 'X', 'c', 'C', 'D', 'E' -> limits.maxSmallLength();
                // Authentication tokens: PG_MAX_AUTH_TOKEN_LENGTH plus a little framing.
                case 'p' -> 65535 + 1024;
                default -> limits.maxFrameLength();
            };
        }

        @Override
        boolean isStreamable(byte type) {
            // Bulk payloads: a 200 MB COPY row, Bind parameter or query string passes through in pieces.
            return type == 'd' || type == 'B' || type == 'Q' || type == 'F';
        }

        @Override
        boolean endsRun(byte type) {
            // The messages that end a request (the server answers) or the connection: the client's state may change.
            return switch (type) {
                case 'S', 'Q', 'F', 'H', 'X', 'c', 'f' -> true;
                default -> false;
            };
        }

        @Override
        String describe() {
            return "frontend";
        }
    },
    /** Server to client: what the pooler reads from servers. */
    BACKEND {
        @Override
        boolean isKnownType(byte type) {
            return switch (type) {
                case 'R', 'K', 'S', 'Z', 'E', 'N', 'A', 'T', 'D', 'C', 'I', 'n', 's', 't', '1', '2', '3', 'G', 'H',
                     'W', 'd', 'c', 'v', 'V' -> true;
                default -> false;
            };
        }

        @Override
        int maxLength(byte type, Limits limits) {
            return switch (type) {
                case 'Z', 'I', 'n', 's', '1', '2', '3', 'c', 'K' -> limits.maxSmallLength();
                default -> limits.maxFrameLength();
            };
        }

        @Override
        boolean isStreamable(byte type) {
            // DataRow with a huge column, COPY OUT rows, big notices and function results.
            return type == 'D' || type == 'd' || type == 'N' || type == 'A' || type == 'V';
        }

        @Override
        boolean endsRun(byte type) {
            // ReadyForQuery ends a request: the server may go back to the pool right after it.
            return type == 'Z';
        }

        @Override
        String describe() {
            return "backend";
        }
    };

    abstract boolean isKnownType(byte type);

    abstract int maxLength(byte type, Limits limits);

    abstract boolean isStreamable(byte type);

    /** Whether a {@link io.tidepool.wire.MessageRun} ends after a message of this type (see FrameDecoder#joinRuns). */
    abstract boolean endsRun(byte type);

    abstract String describe();
}
