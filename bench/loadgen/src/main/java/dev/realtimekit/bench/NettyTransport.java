package dev.realtimekit.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Netty 4.1 WebSocket client: one event loop group (epoll when the native transport loads, NIO otherwise) reads,
 * decodes and accounts every socket's frames on its own threads; RFC 6455 (version 13), no extensions, TCP_NODELAY.
 */
final class NettyTransport implements Transport {

    /** Largest frame, whole or joined from fragments: far above any payload the generator sends. */
    static final int MAX_FRAME_BYTES = 16 << 20;
    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 64 << 10;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final boolean epoll;
    private SslContext ssl;

    NettyTransport(int threads) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Sampling buffers for leaks (1 in 128 by default, with a stack trace each) is CPU a benchmark client wastes.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        epoll = Epoll.isAvailable();
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("loadgen-netty", true);
        group = epoll ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
        bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
    }

    @Override
    public String name() {
        return epoll ? "netty-epoll" : "netty-nio";
    }

    @Override
    public CompletableFuture<Void> open(URI uri, Connection connection) {
        boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        NettyLink link = new NettyLink(connection, handshaker(uri));
        Bootstrap b = bootstrap.clone().handler(initializer(link, tls ? ssl() : null, host, port));
        b.connect(host, port).addListener(f -> {
            if (!f.isSuccess()) {
                link.handshake.completeExceptionally(f.cause());
            }
        });
        return link.handshake;
    }

    /** RFC 6455 (version 13), no extensions; no Origin header (the JDK client sends none); masking, as clients must. */
    static WebSocketClientHandshaker handshaker(URI uri) {
        return WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, null, false,
                EmptyHttpHeaders.INSTANCE, MAX_FRAME_BYTES, true, false, -1, false, false);
    }

    /** HTTP until the handshake completes, which puts the frame decoder in front of the frame aggregator. */
    static ChannelInitializer<Channel> initializer(NettyLink link, SslContext ssl, String host, int port) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (ssl != null) {
                    p.addLast(ssl.newHandler(ch.alloc(), host, port));
                }
                p.addLast(new HttpClientCodec());
                p.addLast(new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES));
                // Joins fragmented frames; passes whole ones on untouched.
                p.addLast(new WebSocketFrameAggregator(MAX_FRAME_BYTES));
                p.addLast(link);
            }
        };
    }

    private synchronized SslContext ssl() {
        if (ssl == null) {
            try {
                ssl = SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS: " + e, e);
            }
        }
        return ssl;
    }

    @Override
    public String refusal(Throwable failure) {
        return refusalOf(failure);
    }

    static String refusalOf(Throwable failure) {
        if (failure instanceof WebSocketClientHandshakeException h && h.response() != null) {
            return "HTTP " + h.response().status().code();
        }
        return null;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
