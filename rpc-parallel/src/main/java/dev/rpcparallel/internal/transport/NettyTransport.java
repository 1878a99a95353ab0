package dev.rpcparallel.internal.transport;

import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** TCP through Netty: epoll on Linux when its native library loads, NIO otherwise. */
public final class NettyTransport implements Transport {
  private final EventLoops loops;

  public NettyTransport(int ioThreads) {
    this.loops = new EventLoops(ioThreads, "rpc-parallel-io");
  }

  @Override
  public Listener listen(String host, int port, Function<Link, LinkHandler> sessions) {
    ServerBootstrap b = new ServerBootstrap()
        .group(loops.group())
        .channel(loops.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NettyLink.install(ch, true, sessions);
          }
        });
    ChannelFuture f = b.bind(host, port).syncUninterruptibly();
    if (!f.isSuccess()) {
      throw new WireException(ErrorCode.CONNECT_FAILED, "cannot listen on " + host + ":" + port + ": " + f.cause(), f.cause());
    }
    return new Listener() {
      @Override
      public int port() {
        return ((InetSocketAddress) f.channel().localAddress()).getPort();
      }

      @Override
      public void close() {
        f.channel().close().syncUninterruptibly();
      }
    };
  }

  @Override
  public CompletableFuture<Void> connect(String host, int port, Duration timeout, Function<Link, LinkHandler> session) {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    Bootstrap b = new Bootstrap()
        .group(loops.group())
        .channel(loops.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NettyLink.install(ch, false, session);
          }
        });
    b.connect(new InetSocketAddress(host, port)).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        connected.complete(null);
      } else {
        connected.completeExceptionally(new WireException(ErrorCode.CONNECT_FAILED,
            "cannot connect to " + host + ":" + port + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return connected;
  }

  @Override
  public void shutdown() {
    loops.shutdown();
  }
}
