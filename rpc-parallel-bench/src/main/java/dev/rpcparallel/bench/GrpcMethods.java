package dev.rpcparallel.bench;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Hand-built gRPC method descriptors shared by {@link GrpcContender} and {@link GrpcServer}: all
 * messages are plain {@code byte[]} (no protobuf), marshalled without copies on the send side.
 */
final class GrpcMethods {

  static final String SERVICE = "bench.Bench";

  /** Unary echo: the response is the request. */
  static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodType.UNARY);

  /** Server streaming: request = itemSize (4 bytes) + items (4 bytes); streams {@code items} items. */
  static final MethodDescriptor<byte[], byte[]> STREAM = method("Stream", MethodType.SERVER_STREAMING);

  /** Unary bulk upload: any request, the response is its length as 8 bytes. */
  static final MethodDescriptor<byte[], byte[]> BULK = method("Bulk", MethodType.UNARY);

  /** Large enough for the 64 MiB bulk value plus framing. */
  static final int MAX_MESSAGE = 256 << 20;

  private GrpcMethods() {}

  private static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BytesMarshaller.INSTANCE)
        .setResponseMarshaller(BytesMarshaller.INSTANCE)
        .build();
  }

  /** {@code byte[]} marshaller; the stream it produces tells gRPC its length and drains in one write. */
  enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new BytesStream(value);
    }

    @Override
    public byte[] parse(InputStream in) {
      try {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}
