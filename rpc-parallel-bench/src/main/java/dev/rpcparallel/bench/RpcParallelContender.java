package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * rpc-parallel itself, through its public API only: the client connects to a {@link BenchWorker}
 * served in {@link RpcParallelServer}'s JVM, using the handle that server prints. Round trips are
 * blocking {@link Connection#call}s, pipelining uses {@link Connection#callAsync} limited by a
 * {@link Semaphore}, streaming iterates the {@link StreamReader} of {@link Connection#open}, bulk
 * is one call with the 64 MiB {@code byte[]} and an 8-byte ack. Both apps use the library defaults
 * (default handler executor, I/O threads) except a 128 MiB maximum message size.
 */
public final class RpcParallelContender implements Contender {

  private final boolean direct;
  private final Rpc<BenchWorker, byte[], byte[]> echo;
  private ServerProcess server;
  private RpcParallel app;
  private Connection<BenchWorker> conn;

  /**
   * @param direct whether round trips and pipelined calls use the echo bound with {@code
   *     Implementations.directRpc} (its handler runs on the server's I/O thread)
   */
  public RpcParallelContender(boolean direct) {
    this.direct = direct;
    this.echo = direct ? BenchWorker.ECHO_DIRECT : BenchWorker.ECHO;
  }

  @Override
  public String name() {
    return direct ? Contenders.RPC_PARALLEL + "-direct" : Contenders.RPC_PARALLEL;
  }

  @Override
  public String description() {
    return "rpc-parallel (Netty, native epoll when available), served BenchWorker, default executors, "
        + "maxMessageSize 128 MiB; call / callAsync + Semaphore / open(pipe) / call with byte[]"
        + (direct ? "; echo bound with directRpc (handler on the I/O thread)" : "");
  }

  @Override
  public void start() throws IOException {
    server = ServerProcess.launchAnnouncing(RpcParallelServer.WORKER, RpcParallelServer.class);
    Worker<BenchWorker> worker =
        Worker.codec(BenchWorker.class).fromBytes(Base64.getDecoder().decode(server.announced()));
    app = RpcParallel.builder().settings(BenchWorker.SETTINGS).build();
    conn = app.connect(worker);
  }

  @Override
  public byte[] roundTrip(byte[] payload) {
    return conn.call(echo, payload);
  }

  @Override
  public double pipelined(int inFlight, int totalCalls) throws Exception {
    Semaphore window = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(totalCalls);
    AtomicReference<Throwable> error = new AtomicReference<>();
    byte[] payload = new byte[8];
    long start = System.nanoTime();
    for (int i = 0; i < totalCalls && error.get() == null; i++) {
      window.acquire();
      conn.callAsync(echo, payload)
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  error.compareAndSet(null, e);
                }
                window.release();
                done.countDown();
              });
    }
    if (!done.await(10, TimeUnit.MINUTES) || error.get() != null) {
      throw new IOException("pipelined calls failed", error.get());
    }
    return totalCalls / seconds(start);
  }

  @Override
  public double stream(int itemSize, int items) throws IOException {
    long start = System.nanoTime();
    int received = 0;
    try (StreamReader<byte[]> r =
        conn.open(BenchWorker.STREAM, new BenchWorker.StreamRequest(itemSize, items))) {
      while (r.hasNext()) {
        r.next();
        received++;
      }
    }
    double s = seconds(start);
    if (received != items) {
      throw new IOException("received " + received + " of " + items + " items");
    }
    return items / s;
  }

  @Override
  public double bulk(int bytes) throws IOException {
    byte[] value = new byte[bytes];
    long start = System.nanoTime();
    byte[] ack = conn.call(BenchWorker.BULK, value);
    double s = seconds(start);
    if (ack.length != 8 || ByteBuffer.wrap(ack).getLong() != bytes) {
      throw new IOException("bad ack");
    }
    return bytes / 1e6 / s;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  @Override
  public void close() {
    if (conn != null) {
      conn.close();
    }
    if (app != null) {
      app.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
