package dev.rpcparallel.examples;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.util.function.Consumer;

/**
 * A {@link StateRpc}: an initial state, then a stream of updates to it (the original's {@code
 * state_worker.ml}). The spawned worker answers the state {@code "hello world "} and then one
 * update per letter, {@code 'a'} to {@code 'j'}; the master applies each update to the state.
 *
 * <p>Prints {@code hello world abcdefghij}.
 */
public final class StateRpcExample {
  private StateRpcExample() {}

  /** Answers its greeting, then streams n letters. */
  public static final class Speller extends SimpleWorkerSpec<String, String> {
    public static final StateRpc<Speller, Integer, String, Character> SPELL =
        StateRpc.of("spell", Codecs.INT, Codecs.STRING, Codecs.CHAR);

    public Speller() {
      super(Codecs.STRING);
    }

    @Override
    public String initWorkerState(String greeting, WorkerContext context) {
      return greeting;
    }

    @Override
    public void implement(Implementations<String, Void> table) {
      table.state(SPELL, (greeting, conn, n, updates) -> {
        for (int i = 0; i < n; i++) {
          updates.write((char) ('a' + i)); // delivered after the state
        }
        updates.close();
        return greeting;
      });
    }
  }

  public static void run(int n, Consumer<String> out) {
    try (RpcParallel app = RpcParallel.create();
        Connection<Speller> c =
            app.spawnAndConnect(new Speller(), "hello world ", null, SpawnOptions.builder().name("speller").build());
        StateStream<String, Character> s = c.openState(Speller.SPELL, n)) {
      StringBuilder state = new StringBuilder(s.state());
      s.updates().forEachRemaining(state::append);
      out.accept(state.toString());
    }
  }

  public static void main(String[] args) {
    run(Flags.intFlag(args, "-n", 10), System.out::println);
  }
}
