package dev.rpcparallel.examples;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The canonical small worker: sums, running sums as a stream, a reverse pipe that totals what
 * the caller streams, and a state function. Its worker state counts calls.
 */
public final class SumWorker extends SimpleWorkerSpec<String, SumWorker.State> {

  /** Worker state: a greeting from the init argument and a call counter. */
  public record State(String greeting, AtomicLong calls) {}

  /** Sum of 0..n-1. */
  public static final Rpc<Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
  /** Running sums of 0..n-1, streamed. */
  public static final Pipe<Integer, Long> RUNNING_SUMS = Pipe.of("running_sums", Codecs.INT, Codecs.LONG);
  /** Totals the numbers the caller streams. */
  public static final ReversePipe<String, Long, String> TOTAL = ReversePipe.of("total", Codecs.STRING, Codecs.LONG, Codecs.STRING);
  /** The greeting, then one update per letter. */
  public static final StateRpc<Integer, String, Character> SPELL = StateRpc.of("spell", Codecs.INT, Codecs.STRING, Codecs.CHAR);

  public SumWorker() {
    super(Codecs.STRING);
  }

  @Override
  public State initWorkerState(String greeting, WorkerContext context) {
    return new State(greeting, new AtomicLong());
  }

  @Override
  public void implement(Implementations<State, Void> table) {
    table
        .rpc(SUM, (s, c, n) -> {
          s.calls().incrementAndGet();
          long total = 0;
          for (int i = 0; i < n; i++) {
            total += i;
          }
          return total;
        })
        .pipe(RUNNING_SUMS, (s, c, n, out) -> {
          long total = 0;
          for (int i = 0; i < n; i++) {
            total += i;
            out.write(total);
          }
          out.close();
        })
        .reversePipe(TOTAL, (s, c, label, numbers) -> {
          long total = 0;
          while (numbers.hasNext()) {
            total += numbers.next();
          }
          return label + total;
        })
        .state(SPELL, (s, c, n, out) -> {
          for (int i = 0; i < n; i++) {
            out.write((char) ('a' + i));
          }
          out.close();
          return s.greeting();
        });
  }
}
