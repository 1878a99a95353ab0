package dev.rpcparallel.bench;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.nio.ByteBuffer;

/**
 * The worker served by {@link RpcParallelServer} and called by {@link RpcParallelContender}: the
 * same three operations as {@link RawSocketServer} and {@link GrpcServer}, as rpc-parallel
 * functions on {@code byte[]} values. No worker state.
 */
public final class BenchWorker extends SimpleWorkerSpec<Void, Void> {

  /** Settings of both apps: the 64 MiB bulk value plus framing must fit in one message. */
  static final RpcSettings SETTINGS = RpcSettings.builder().maxMessageSize(128L << 20).build();

  /** Query of {@link #STREAM}: stream {@code items} items of {@code itemSize} bytes each. */
  public record StreamRequest(int itemSize, int items) {}

  /** Echo: the response is the query. */
  public static final Rpc<BenchWorker, byte[], byte[]> ECHO = Rpc.of("echo", Codecs.BYTES, Codecs.BYTES);

  /** Echo bound with {@code directRpc}: its handler runs on the server's I/O thread. */
  public static final Rpc<BenchWorker, byte[], byte[]> ECHO_DIRECT = Rpc.of("echo_direct", Codecs.BYTES, Codecs.BYTES);

  /** Server stream of equal items. */
  public static final Pipe<BenchWorker, StreamRequest, byte[]> STREAM =
      Pipe.of("stream", Codecs.derive(StreamRequest.class), Codecs.BYTES);

  /** Bulk upload: any value; the response is its length as 8 big-endian bytes. */
  public static final Rpc<BenchWorker, byte[], byte[]> BULK = Rpc.of("bulk", Codecs.BYTES, Codecs.BYTES);

  /**
   * Probe for the spawn benchmark: {@code [pid, epoch ms when initWorkerState ran]} of the worker
   * JVM (the pid is what {@code /proc/<pid>/status} is read from).
   */
  public static final Rpc<BenchWorker, Void, long[]> PROBE = Rpc.of("probe", Codecs.VOID, Codecs.LONG_ARRAY);

  /** Wall-clock time (epoch ms) at which {@link #initWorkerState} ran in this JVM, or 0. */
  private static volatile long initEpochMillis;

  /** Public no-argument constructor: connecting instantiates the spec by class name. */
  public BenchWorker() {
    super(Codecs.VOID);
  }

  @Override
  public Void initWorkerState(Void arg, WorkerContext context) {
    initEpochMillis = System.currentTimeMillis();
    return null;
  }

  @Override
  public void implement(Implementations<Void, Void> table) {
    table
        .rpc(ECHO, (s, c, q) -> q)
        .directRpc(ECHO_DIRECT, (s, c, q) -> q)
        .pipe(STREAM, (s, c, q, out) -> {
          byte[] item = new byte[q.itemSize()];
          for (int i = 0; i < q.items(); i++) {
            if (!out.write(item)) {
              return; // the caller aborted the stream
            }
          }
          out.close();
        })
        .rpc(BULK, (s, c, q) -> ByteBuffer.allocate(8).putLong(q.length).array())
        .rpc(PROBE, (s, c, q) -> new long[] {ProcessHandle.current().pid(), initEpochMillis});
  }
}
