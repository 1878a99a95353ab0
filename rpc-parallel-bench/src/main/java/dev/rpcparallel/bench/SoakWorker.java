package dev.rpcparallel.bench;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.StatelessWorkerSpec;
import dev.rpcparallel.codec.Codecs;

/**
 * The worker of {@link Soak}: every answer carries the request's id, so the caller can check
 * that each reply is its own and arrives once.
 */
public final class SoakWorker extends StatelessWorkerSpec {
  /** Echoes the request id, after padding the reply to {@code id % 4096} bytes. */
  public static final Rpc<SoakWorker, Long, byte[]> ECHO = Rpc.of("soak.echo", Codecs.LONG, Codecs.BYTES);
  /** Streams {@code count} items, each {@code id * 1000 + i}. */
  public static final Pipe<SoakWorker, long[], Long> COUNT = Pipe.of("soak.count", Codecs.LONG_ARRAY, Codecs.LONG);
  /** Sums the streamed updates and adds the id. */
  public static final ReversePipe<SoakWorker, Long, Long, Long> SUM = ReversePipe.of("soak.sum", Codecs.LONG, Codecs.LONG, Codecs.LONG);
  /** The worker's pid. */
  public static final Rpc<SoakWorker, Void, Long> PID = Rpc.of("soak.pid", Codecs.VOID, Codecs.LONG);

  @Override
  public void implement(Implementations<Void, Void> table) {
    table
        .rpc(ECHO, (s, c, id) -> {
          byte[] reply = new byte[8 + (int) (id % 4096)];
          java.nio.ByteBuffer.wrap(reply).putLong(id);
          return reply;
        })
        .pipe(COUNT, (s, c, q, out) -> {
          long id = q[0];
          for (int i = 0; i < q[1] && out.write(id * 1000 + i); i++) {
            // write until done or the caller went away
          }
          out.close();
        })
        .reversePipe(SUM, (s, c, id, updates) -> {
          long sum = id;
          while (updates.hasNext()) {
            sum += updates.next();
          }
          return sum;
        })
        .rpc(PID, (s, c, q) -> ProcessHandle.current().pid());
  }
}
