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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * TCP through Netty: epoll on Linux when its native library loads, NIO otherwise. With TLS, a
 * channel's pipeline starts with Netty's {@code SslHandler} and a {@link TlsGate} that installs the
 * {@link NettyLink} once the handshake succeeded; without, the pipeline is the link alone.
 * Thread-safe.
 */
public final class NettyTransport implements Transport {
  private final EventLoops loops;
  private final Consumer<String> refusals;

  /**
   * Starts {@code ioThreads} event loops (daemon threads), shared by all links. Incoming
   * connections refused by TLS are logged at WARN, at most 10 a minute.
   */
  public NettyTransport(int ioThreads) {
    this(ioThreads, TlsGate.LOG_REFUSALS);
  }

  /**
   * Starts {@code ioThreads} event loops; {@code refusals} is told of each incoming connection a
   * TLS listener refused because its handshake failed ("refused a connection: TLS handshake with
   * host:port failed: reason"). It is called on an I/O thread and must not block.
   */
  public NettyTransport(int ioThreads, Consumer<String> refusals) {
    this.loops = new EventLoops(ioThreads, "rpc-parallel-io");
    this.refusals = refusals;
  }

  @Override
  public Listener listen(String host, int port, Optional<Tls> tls, Function<Link, LinkHandler> sessions) {
    ChannelInitializer<SocketChannel> init = tls.isEmpty()
        ? new ChannelInitializer<>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NettyLink.install(ch, true, sessions);
          }
        }
        : new ChannelInitializer<>() {
          private final long handshakeMillis = Math.min(TlsHandshakeLimit.MAX_HANDSHAKE_MILLIS, millis(tls.get().handshakeTimeout()));
          private final TlsHandshakeLimit limit = new TlsHandshakeLimit();

          @Override
          protected void initChannel(SocketChannel ch) {
            limit.started(ch);
            TlsGate.installServer(ch, tls.get().contexts().server(), handshakeMillis, sessions, refusals, limit);
          }
        };
    ServerBootstrap b = new ServerBootstrap()
        .group(loops.group())
        .channel(loops.serverChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(init);
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
  public CompletableFuture<Void> connect(String host, int port, Duration timeout, Optional<Tls> tls,
      Function<Link, LinkHandler> session) {
    CompletableFuture<Void> connected = new CompletableFuture<>();
    ChannelInitializer<SocketChannel> init = tls.isEmpty()
        ? new ChannelInitializer<>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            NettyLink.install(ch, false, session);
          }
        }
        : new ChannelInitializer<>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            long handshakeMillis = Math.min(millis(timeout), millis(tls.get().handshakeTimeout()));
            TlsGate.installClient(ch, tls.get().contexts().client(), handshakeMillis, session, connected, host + ":" + port);
          }
        };
    Bootstrap b = new Bootstrap()
        .group(loops.group())
        .channel(loops.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(init);
    b.connect(new InetSocketAddress(host, port)).addListener((ChannelFuture f) -> {
      if (f.isSuccess()) {
        if (tls.isEmpty()) {
          connected.complete(null); // with TLS, the TlsGate completes it after the handshake
        }
      } else {
        connected.completeExceptionally(new WireException(ErrorCode.CONNECT_FAILED,
            "cannot connect to " + host + ":" + port + ": " + f.cause().getMessage(), f.cause()));
      }
    });
    return connected;
  }

  /** At least 1: SslHandler takes 0 as "no handshake timeout". */
  private static long millis(Duration d) {
    return Math.max(1, d.toMillis());
  }

  /** {@inheritDoc} Waits up to about 2 s for the event loops to stop. */
  @Override
  public void shutdown() {
    loops.shutdown();
  }
}
