package dev.rpcparallel.examples;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The canonical small worker, with one function of each kind: sums ({@link Rpc}), a message it
 * prints on its stdout and stderr ({@link OneWay}), running sums as a stream ({@link Pipe}), a
 * reverse pipe that totals what the caller streams ({@link ReversePipe}), and a state function
 * ({@link StateRpc}). Its worker state holds the greeting given at spawn and counts calls.
 */
public final class SumWorker extends SimpleWorkerSpec<String, SumWorker.State> {

  /** Worker state: a greeting from the init argument and a call counter. */
  public record State(String greeting, AtomicLong calls) {}

  /** Sum of 0..n-1. */
  public static final Rpc<SumWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
  /** Prints the message on the worker's stdout and stderr (forwarded to the master's). */
  public static final OneWay<SumWorker, String> SAY = OneWay.of("say", Codecs.STRING);
  /** Running sums of 0..n-1, streamed. */
  public static final Pipe<SumWorker, Integer, Long> RUNNING_SUMS = Pipe.of("running_sums", Codecs.INT, Codecs.LONG);
  /** Totals the numbers the caller streams. */
  public static final ReversePipe<SumWorker, String, Long, String> TOTAL =
      ReversePipe.of("total", Codecs.STRING, Codecs.LONG, Codecs.STRING);
  /** The greeting, then one update per letter. */
  public static final StateRpc<SumWorker, Integer, String, Character> SPELL =
      StateRpc.of("spell", Codecs.INT, Codecs.STRING, Codecs.CHAR);

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
        .oneWay(SAY, (s, c, message) -> {
          System.out.println("one-way message received: " + message);
          System.err.println("(this line was printed on the worker's stderr)");
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
