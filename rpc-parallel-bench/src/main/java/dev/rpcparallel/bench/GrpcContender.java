package dev.rpcparallel.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC-java 1.85 with grpc-netty-shaded, plaintext, hand-built {@code byte[]} methods ({@link
 * GrpcMethods}). Round trips use blocking unary calls, pipelining uses async unary calls limited by
 * a {@link Semaphore}, streaming a server-streaming call, bulk one unary call. By default both ends
 * use gRPC's default executors; the {@code direct} variant sets {@code directExecutor()} on server
 * and channel.
 */
public final class GrpcContender implements Contender {

  private final boolean direct;
  private ServerProcess server;
  private ManagedChannel channel;

  /** @param direct whether server and channel use {@code directExecutor()} */
  public GrpcContender(boolean direct) {
    this.direct = direct;
  }

  @Override
  public String name() {
    return direct ? "grpc-direct" : Contenders.GRPC;
  }

  @Override
  public String description() {
    return "gRPC-java (grpc-netty-shaded), plaintext, byte[] marshaller, "
        + (direct ? "directExecutor() on server and channel" : "default executors (no directExecutor)");
  }

  @Override
  public void start() throws IOException {
    server = ServerProcess.launch(GrpcServer.class, direct ? "direct" : "default");
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(GrpcMethods.MAX_MESSAGE);
    if (direct) {
      b.directExecutor();
    }
    channel = b.build();
  }

  @Override
  public byte[] roundTrip(byte[] payload) {
    return ClientCalls.blockingUnaryCall(channel, GrpcMethods.ECHO, CallOptions.DEFAULT, payload);
  }

  @Override
  public double pipelined(int inFlight, int totalCalls) throws Exception {
    Semaphore window = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(totalCalls);
    AtomicReference<Throwable> error = new AtomicReference<>();
    StreamObserver<byte[]> observer =
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {}

          @Override
          public void onError(Throwable t) {
            error.compareAndSet(null, t);
            window.release();
            done.countDown();
          }

          @Override
          public void onCompleted() {
            window.release();
            done.countDown();
          }
        };
    byte[] payload = new byte[8];
    long start = System.nanoTime();
    for (int i = 0; i < totalCalls && error.get() == null; i++) {
      window.acquire();
      ClientCalls.asyncUnaryCall(channel.newCall(GrpcMethods.ECHO, CallOptions.DEFAULT), payload, observer);
    }
    if (!done.await(10, TimeUnit.MINUTES) || error.get() != null) {
      throw new IOException("pipelined calls failed", error.get());
    }
    return totalCalls / ((System.nanoTime() - start) / 1e9);
  }

  @Override
  public double stream(int itemSize, int items) throws IOException {
    byte[] request = ByteBuffer.allocate(8).putInt(itemSize).putInt(items).array();
    long start = System.nanoTime();
    Iterator<byte[]> it =
        ClientCalls.blockingServerStreamingCall(channel, GrpcMethods.STREAM, CallOptions.DEFAULT, request);
    int received = 0;
    while (it.hasNext()) {
      it.next();
      received++;
    }
    double s = (System.nanoTime() - start) / 1e9;
    if (received != items) {
      throw new IOException("received " + received + " of " + items + " items");
    }
    return items / s;
  }

  @Override
  public double bulk(int bytes) throws IOException {
    byte[] value = new byte[bytes];
    long start = System.nanoTime();
    byte[] ack = ClientCalls.blockingUnaryCall(channel, GrpcMethods.BULK, CallOptions.DEFAULT, value);
    double s = (System.nanoTime() - start) / 1e9;
    if (ByteBuffer.wrap(ack).getLong() != bytes) {
      throw new IOException("bad ack");
    }
    return bytes / 1e6 / s;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (server != null) {
      server.close();
    }
  }
}
