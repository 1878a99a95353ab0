package dev.rpcparallel.testing;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.WorkerSpec;
import dev.rpcparallel.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker with one function of every kind, used across the protocol tests. Worker state: a
 * counter starting at the init argument, plus recorders the tests read (in-process only).
 * Connection argument: a label; "fail" makes initConnectionState throw.
 */
public final class TestWorker implements WorkerSpec<Integer, TestWorker.State, String, String> {

  /** Worker state, shared by connections. */
  public static final class State {
    public final AtomicInteger counter;
    public final LinkedBlockingQueue<String> oneWays = new LinkedBlockingQueue<>();
    public final CompletableFuture<Long> abortedAfter = new CompletableFuture<>();
    public final List<String> closeReasons = new CopyOnWriteArrayList<>();
    public volatile WorkerContext context;
    public volatile dev.rpcparallel.StreamWriter<Character> lastStateWriter;

    State(int start) {
      counter = new AtomicInteger(start);
    }
  }

  public static final Rpc<TestWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
  public static final Rpc<TestWorker, Void, Integer> INC = Rpc.of("inc", Codecs.VOID, Codecs.INT);
  public static final Rpc<TestWorker, String, String> ECHO = Rpc.of("echo", Codecs.STRING, Codecs.STRING);
  public static final Rpc<TestWorker, String, String> WHO = Rpc.of("who", Codecs.STRING, Codecs.STRING);
  public static final Rpc<TestWorker, String, Void> FAIL = Rpc.of("fail", Codecs.STRING, Codecs.VOID);
  public static final Rpc<TestWorker, Integer, Integer> SLEEP = Rpc.of("sleep", Codecs.INT, Codecs.INT);
  /** Records "label:message"; a message "throw:text" makes the handler throw IllegalStateException(text). */
  public static final OneWay<TestWorker, String> NOTE = OneWay.of("note", Codecs.STRING);
  /** Takes every one-way message recorded so far, in the order handled. */
  public static final Rpc<TestWorker, Void, List<String>> DRAIN_NOTES =
      Rpc.of("drain_notes", Codecs.VOID, Codecs.list(Codecs.STRING));
  public static final Pipe<TestWorker, Integer, Integer> COUNT = Pipe.of("count", Codecs.INT, Codecs.INT);
  public static final Pipe<TestWorker, Void, Integer> ENDLESS = Pipe.of("endless", Codecs.VOID, Codecs.INT);
  public static final Pipe<TestWorker, Integer, Integer> COUNT_THEN_FAIL = Pipe.of("count_then_fail", Codecs.INT, Codecs.INT);
  public static final ReversePipe<TestWorker, Integer, Integer, List<String>> SHARD =
      ReversePipe.of("shard", Codecs.INT, Codecs.INT, Codecs.list(Codecs.STRING));
  public static final StateRpc<TestWorker, Integer, String, Character> STATE =
      StateRpc.of("state", Codecs.INT, Codecs.STRING, Codecs.CHAR);
  public static final Rpc<TestWorker, String, Void> LOG = Rpc.of("log", Codecs.STRING, Codecs.VOID);
  /** A state of n characters; its update writer is kept so a test can ask whether it closed. */
  public static final StateRpc<TestWorker, Integer, String, Character> BIG_STATE =
      StateRpc.of("big_state", Codecs.INT, Codecs.STRING, Codecs.CHAR);
  /** Whether BIG_STATE's last update writer is closed. */
  public static final Rpc<TestWorker, Void, Boolean> STATE_WRITER_CLOSED = Rpc.of("state_writer_closed", Codecs.VOID, Codecs.BOOLEAN);
  /** Takes the next one-way message the worker received (waits up to 10 s). */
  public static final Rpc<TestWorker, Void, String> TAKE_NOTE = Rpc.of("take_note", Codecs.VOID, Codecs.STRING);
  /** How many items ENDLESS wrote before its writer reported closed (waits up to 10 s). */
  public static final Rpc<TestWorker, Void, Long> ABORTED_AFTER = Rpc.of("aborted_after", Codecs.VOID, Codecs.LONG);
  /** Close reasons of this worker's finished connections, as seen by the worker. */
  public static final Rpc<TestWorker, Void, List<String>> CLOSE_REASONS =
      Rpc.of("close_reasons", Codecs.VOID, Codecs.list(Codecs.STRING));

  @Override
  public dev.rpcparallel.codec.Codec<Integer> initArgCodec() {
    return Codecs.INT;
  }

  @Override
  public State initWorkerState(Integer arg, WorkerContext context) {
    if (arg != null && arg == -1) {
      throw new IllegalStateException("boom: init refused -1");
    }
    State s = new State(arg);
    s.context = context;
    return s;
  }

  @Override
  public dev.rpcparallel.codec.Codec<String> connectionArgCodec() {
    return Codecs.STRING;
  }

  @Override
  public String initConnectionState(ConnectionContext connection, State state, String label) {
    if ("fail".equals(label)) {
      throw new IllegalArgumentException("text of expected failure");
    }
    connection.onClose(state.closeReasons::add);
    return label;
  }

  @Override
  public void implement(Implementations<State, String> table) {
    table
        .rpc(SUM, (s, c, n) -> {
          long total = 0;
          for (int i = 0; i < n; i++) {
            total += i;
          }
          return total;
        })
        .rpc(INC, (s, c, q) -> s.counter.incrementAndGet())
        .rpc(ECHO, (s, c, q) -> q)
        .rpc(WHO, (s, c, q) -> c + ":" + q)
        .rpc(FAIL, (s, c, msg) -> {
          throw new IllegalStateException(msg);
        })
        .rpc(SLEEP, (s, c, ms) -> {
          Thread.sleep(ms);
          return ms;
        })
        .oneWay(NOTE, (s, c, q) -> {
          if (q.startsWith("throw:")) {
            throw new IllegalStateException(q.substring("throw:".length()));
          }
          s.oneWays.add(c + ":" + q);
        })
        .rpc(DRAIN_NOTES, (s, c, q) -> {
          List<String> out = new ArrayList<>();
          s.oneWays.drainTo(out);
          return out;
        })
        .pipe(COUNT, (s, c, n, out) -> {
          for (int i = 0; i < n; i++) {
            out.write(i);
          }
          out.close();
        })
        .pipe(COUNT_THEN_FAIL, (s, c, n, out) -> {
          for (int i = 0; i < n; i++) {
            out.write(i);
          }
          throw new UnsupportedOperationException("failed after " + n);
        })
        .pipe(ENDLESS, (s, c, q, out) -> {
          long written = 0;
          while (out.write((int) written)) {
            written++;
          }
          s.abortedAfter.complete(written);
        })
        .reversePipe(SHARD, (s, c, shard, updates) -> {
          List<String> got = new ArrayList<>();
          while (updates.hasNext()) {
            got.add(0, "worker " + shard + " got " + shard + ":" + updates.next());
          }
          return got;
        })
        .state(STATE, (s, c, n, updates) -> {
          for (int i = 0; i < n; i++) {
            updates.write((char) ('a' + i));
          }
          updates.close();
          return "hello world ";
        })
        .state(BIG_STATE, (s, c, n, updates) -> {
          s.lastStateWriter = updates;
          return "x".repeat(n);
        })
        .rpc(STATE_WRITER_CLOSED, (s, c, q) -> s.lastStateWriter.isClosed())
        .rpc(TAKE_NOTE, (s, c, q) -> s.oneWays.poll(10, TimeUnit.SECONDS))
        .rpc(ABORTED_AFTER, (s, c, q) -> s.abortedAfter.get(10, TimeUnit.SECONDS))
        .rpc(CLOSE_REASONS, (s, c, q) -> List.copyOf(s.closeReasons))
        .rpc(LOG, (s, c, msg) -> {
          s.context.log().info(msg);
          return null;
        });
  }
}
