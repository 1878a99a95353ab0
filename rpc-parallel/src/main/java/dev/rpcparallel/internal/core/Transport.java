package dev.rpcparallel.internal.core;

import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.internal.transport.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Opens client connections and worker servers on one set of event loops. Thread-safe; owned by
 * one {@code RpcParallel} instance.
 */
public final class Transport {
  private final EventLoops loops;
  private final Executor executor;

  public Transport(int ioThreads, Executor executor) {
    this.loops = new EventLoops(ioThreads, "rpc-parallel-io");
    this.executor = executor;
  }

  /** Starts listening for {@code worker} on {@code bindHost} (port 0: any free port). */
  public WorkerServer listen(HostedWorker worker, String bindHost, int port) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops.group())
            .channel(loops.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new ChannelBridge(new ServerSession(ch, worker)));
                  }
                });
    ChannelFuture f = b.bind(bindHost, port).syncUninterruptibly();
    if (!f.isSuccess()) {
      throw new RpcParallelException(RpcParallelException.Kind.SPAWN_FAILED,
          "cannot listen on " + bindHost + ":" + port + ": " + f.cause(), f.cause());
    }
    return new WorkerServer(worker, f.channel());
  }

  /** Connects and performs the handshake; the future fails with why if it cannot. */
  public CompletableFuture<ClientSession> connect(
      String host, int port, RpcSettings settings, ClientSession.Target target) {
    CompletableFuture<ClientSession> result = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(loops.group())
            .channel(loops.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.handshakeTimeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ClientSession s = new ClientSession(ch, settings, executor, target);
                    ch.pipeline().addLast(new ChannelBridge(s));
                    s.opened().whenComplete((ok, err) -> {
                      if (err != null) {
                        result.completeExceptionally(err);
                      } else {
                        result.complete(ok);
                      }
                    });
                  }
                });
    b.connect(new InetSocketAddress(host, port)).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        result.completeExceptionally(new RpcParallelException(RpcParallelException.Kind.CONNECT_FAILED,
            "could not connect to worker " + target.workerName() + " at " + host + ":" + port + ": " + f.cause().getMessage(),
            f.cause()));
      }
    });
    return result;
  }

  public void shutdown() {
    loops.shutdown();
  }

  /** A worker's listening socket. Closing it refuses new connections; existing ones stay. */
  public static final class WorkerServer {
    private final HostedWorker worker;
    private final Channel channel;

    WorkerServer(HostedWorker worker, Channel channel) {
      this.worker = worker;
      this.channel = channel;
    }

    public int port() {
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public HostedWorker worker() {
      return worker;
    }

    /** Stops accepting; idempotent. */
    public void closeListener() {
      channel.close().syncUninterruptibly();
    }

  }
}
