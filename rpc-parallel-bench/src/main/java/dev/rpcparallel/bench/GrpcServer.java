package dev.rpcparallel.bench;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Server JVM of {@link GrpcContender}: gRPC-java over grpc-netty-shaded, plaintext, on 127.0.0.1.
 * With argument {@code direct} the service runs on {@code directExecutor()}; otherwise gRPC's
 * default executor is used, as most applications run it.
 */
public final class GrpcServer {

  private GrpcServer() {}

  /** Entry point of the server JVM; {@code args[0]} is {@code default} or {@code direct}. */
  public static void main(String[] args) throws IOException {
    boolean direct = args.length > 0 && args[0].equals("direct");
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(GrpcMethods.MAX_MESSAGE)
            .addService(service());
    if (direct) {
      builder.directExecutor();
    }
    Server server = builder.build().start();
    ServerProcess.announceAndAwaitParent(server.getPort());
  }

  private static ServerServiceDefinition service() {
    return ServerServiceDefinition.builder(GrpcMethods.SERVICE)
        .addMethod(GrpcMethods.ECHO, ServerCalls.asyncUnaryCall(GrpcServer::reply))
        .addMethod(GrpcMethods.BULK, ServerCalls.asyncUnaryCall(GrpcServer::ack))
        .addMethod(GrpcMethods.STREAM, ServerCalls.asyncServerStreamingCall(GrpcServer::stream))
        .build();
  }

  private static void reply(byte[] request, StreamObserver<byte[]> response) {
    response.onNext(request);
    response.onCompleted();
  }

  private static void ack(byte[] request, StreamObserver<byte[]> response) {
    response.onNext(ByteBuffer.allocate(8).putLong(request.length).array());
    response.onCompleted();
  }

  /** Streams items while the transport is ready (gRPC's flow-control idiom), then completes. */
  private static void stream(byte[] request, StreamObserver<byte[]> response) {
    ByteBuffer req = ByteBuffer.wrap(request);
    byte[] item = new byte[req.getInt()];
    int items = req.getInt();
    ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) response;
    int[] sent = {0};
    boolean[] done = {false};
    out.setOnReadyHandler(
        () -> {
          while (!done[0] && out.isReady() && sent[0] < items) {
            out.onNext(item);
            sent[0]++;
          }
          if (!done[0] && sent[0] == items) {
            done[0] = true;
            out.onCompleted();
          }
        });
  }
}
