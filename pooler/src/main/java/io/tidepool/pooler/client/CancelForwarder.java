package io.tidepool.pooler.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tidepool.pooler.server.ServerConnection;
import io.tidepool.wire.backend.BackendKeyData;
import io.tidepool.wire.frontend.CancelRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Sends a CancelRequest to the server running a client's query, on a new connection from the same event loop, with
 * that server's own key (the client only ever saw the pooler's). While the cancel is in flight the server connection
 * is not handed to another client, so a late cancel can never hit someone else's query (PgBouncer #717).
 */
final class CancelForwarder {
    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private CancelForwarder() {
    }

    /**
     * A CancelRequest arrived on its own connection: the client it names (by the pooler's key) has its running query
     * cancelled, on that client's loop. Unknown keys are ignored, as PostgreSQL does.
     */
    static void received(CancelRequest request, CancelRegistry cancels) {
        ClientSession target = cancels.find(request);
        if (target != null) {
            target.channel().eventLoop().execute(() -> cancelRunningQuery(target));
        }
    }

    /** Runs on {@code client}'s loop: forwards a cancel to the server running its query, and to no other. */
    static void cancelRunningQuery(ClientSession client) {
        ServerConnection s = client.linkedServer();
        if (client.state() != ClientState.LINKED || s == null || s.outstanding() == 0 || s.backendKey() == null) {
            return;
        }
        forward(s);
    }

    static void forward(ServerConnection server) {
        BackendKeyData key = server.backendKey();
        if (key == null) {
            return;
        }
        server.cancelStarted();
        long waitMillis = Math.max(1, server.pool().settings().cancelWaitTimeout().toMillis());
        Channel serverChannel = server.channel();
        new Bootstrap().group(serverChannel.eventLoop())
                .channel(serverChannel.getClass())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ByteBuf out = ctx.alloc().buffer(16);
                        new CancelRequest(key.processId(), key.secretKey()).encode(out);
                        ctx.writeAndFlush(out);
                        ctx.executor().schedule(() -> {
                            ctx.close();
                        }, waitMillis, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg);        // PostgreSQL answers nothing; ignore anything
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        log.info("{} cancel request failed: {}", server, cause.toString());
                        ctx.close();
                    }
                })
                .connect(serverChannel.remoteAddress())
                .addListener((ChannelFutureListener) future -> {
                    // PostgreSQL closes the cancel connection once it has signalled the backend.
                    future.channel().closeFuture().addListener(closed -> server.cancelFinished());
                });
    }
}
