package dev.realtimekit.bench;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Connection}'s socket on Netty: does the opening handshake, answers pings, hands whole text frames over.
 * Every method but {@link #send}, {@link #writable} and {@link #abort} runs on the channel's event loop thread.
 */
final class NettyLink extends SimpleChannelInboundHandler<Object> implements Link {

    /** Completes when the handshake succeeded, fails with its cause (a refused one carries the HTTP response). */
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private final Connection connection;
    private final WebSocketClientHandshaker handshaker;
    private final ChannelFutureListener onWritten;
    private volatile Channel channel;
    private boolean reported;

    NettyLink(Connection connection, WebSocketClientHandshaker handshaker) {
        this.connection = connection;
        this.handshaker = handshaker;
        this.onWritten = f -> {
            if (!f.isSuccess()) {
                connection.sendFailed(f.cause());
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        handshaker.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess()) {
                handshake.completeExceptionally(f.cause());
                ctx.close();
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame text) {
            // One decode into the String the protocol parser reads (ByteBufUtil.decodeString: no CharsetDecoder).
            connection.onText(text.content().toString(StandardCharsets.UTF_8));
        } else if (msg instanceof PingWebSocketFrame ping) {
            // The kit's server pings its clients and closes those that do not answer.
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
        } else if (msg instanceof PongWebSocketFrame) {
            return;
        } else if (msg instanceof CloseWebSocketFrame close) {
            int status = close.statusCode() == -1 ? 1005 : close.statusCode();
            gone("close " + status + " " + close.reasonText());
            ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, close.content().retain()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (msg instanceof BinaryWebSocketFrame binary) {
            connection.unexpected("binary frame of " + binary.content().readableBytes() + " bytes");
        } else if (msg instanceof FullHttpResponse response && !handshaker.isHandshakeComplete()) {
            finishHandshake(ctx, response);
        } else {
            connection.unexpected(msg.getClass().getSimpleName());
        }
    }

    private void finishHandshake(ChannelHandlerContext ctx, FullHttpResponse response) {
        try {
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (WebSocketHandshakeException refused) {
            handshake.completeExceptionally(refused);
            ctx.close();
            return;
        }
        connection.opened(this);
        handshake.complete(null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!handshake.completeExceptionally(cause)) {
            gone(cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!handshake.completeExceptionally(new IOException("connection closed during the handshake"))) {
            gone("connection closed without a close frame");
        }
        ctx.fireChannelInactive();
    }

    /** Reports the end of an open socket once: a close frame is followed by channelInactive. */
    private void gone(String why) {
        if (!reported && handshake.isDone() && !handshake.isCompletedExceptionally()) {
            reported = true;
            connection.gone(why);
        }
    }

    /** Netty queues the frame for the event loop; {@link #writable} bounds that queue (the channel's high water mark). */
    @Override
    public void send(String text) {
        Channel c = channel;
        c.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(c.alloc(), text))).addListener(onWritten);
    }

    @Override
    public boolean writable() {
        Channel c = channel;
        return c != null && c.isWritable();
    }

    @Override
    public void abort() {
        Channel c = channel;
        if (c != null) {
            c.close();
        }
    }
}
