package io.tidepool.pooler.link;

import io.netty.buffer.ByteBuf;
import io.tidepool.wire.WireUnit;

/** What the statement rewriter needs of the server connection a client is linked to. */
public interface LinkedServer {
    /** Forwards a client's message as it arrived (counts Query/Sync/FunctionCall as outstanding). */
    void send(WireUnit unit);

    /** Writes bytes the pooler built (a rewritten or injected message). */
    void sendBuilt(ByteBuf bytes);

    RequestTracker tracker();

    ServerStatements statements();

    /** max_prepared_statements. */
    int maxPreparedStatements();
}
