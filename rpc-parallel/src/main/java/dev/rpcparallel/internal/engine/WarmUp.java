package dev.rpcparallel.internal.engine;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.session.ClientSession;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What a spare worker JVM does while it waits to be needed: it runs, inside itself, the exchange
 * a worker has with its master — an application with a throw-away secret hosts a {@link
 * MasterSpec} on loopback, connects to it 60 times, calls it 1,200 times in all, and turns each
 * connection around as a {@code spawnAndConnect} worker does (TURN, then the OPEN served on it) —
 * then closes that application. The classes of the transport, sessions, codecs and engine are then loaded and their
 * hot paths compiled, so the worker the spare becomes answers its first call in milliseconds.
 * Nothing of it is kept: the real application is built from the bootstrap, as in any worker.
 * A failure here only costs speed: it is ignored.
 */
final class WarmUp {
  /** Rounds of connect, calls and close; calls per connection (a spawn's first connect took 10 ms after 3 rounds, 7 after 60). */
  static final int CONNECTIONS = 60;
  private static final int CALLS = 10;

  private WarmUp() {}

  /** A record for the warm-up of derived codecs (reflection and method handles). */
  record Sample(int number, String text, java.util.List<Long> values, Optional<Sample> next) {}

  /**
   * Derives a codec for a record and round-trips a value through it: the first derivation in a
   * JVM spins the reflection and method-handle machinery that spec classes' derived codecs use.
   */
  private static void deriveCodecs() {
    dev.rpcparallel.codec.Codec<Sample> codec = dev.rpcparallel.codec.Codecs.derive(Sample.class);
    Sample s = new Sample(1, "warm", java.util.List.of(1L, 2L), Optional.of(new Sample(2, "up", java.util.List.of(), Optional.empty())));
    for (int i = 0; i < 200; i++) {
      codec.fromBytes(codec.toBytes(s));
    }
  }

  /**
   * Warms up with an application made by {@code makeApp}; never throws. Returns how many rounds
   * (connect, calls, turn, the turned connection opened and closed) completed: {@link
   * #CONNECTIONS} unless something failed.
   */
  static int run(Function<WorkerRuntime.AppParams, Engine> makeApp) {
    try {
      deriveCodecs();
    } catch (RuntimeException | Error e) {
      // only speed is lost
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Engine warm;
    try {
      warm = makeApp.apply(new WorkerRuntime.AppParams(RpcSettings.defaults(), secret, "127.0.0.1", "127.0.0.1"));
    } catch (RuntimeException | Error e) {
      return 0;
    }
    int rounds = 0;
    try {
      UUID id = UUID.randomUUID();
      LogHub log = new LogHub("warm-up", false);
      WorkerHost<MasterSpec.Registry, UUID, UUID> host =
          warm.host(id, "warm-up", new MasterSpec(), new Yes(), log, new HostedContext(log, warm.app()), false);
      Worker<MasterSpec> handle = warm.handle(id, "warm-up", host);
      byte[] arg = Codecs.UUID.toBytes(id);
      // The master's end of each turned connection: it opens, and is closed again.
      java.util.concurrent.BlockingQueue<CompletableFuture<String>> turnedClosed = new java.util.concurrent.LinkedBlockingQueue<>();
      host.acceptTurns((worker, link, proof) -> {
        if (!proof.provenBy(warm.credential(new Auth.Terms(id, 0, 0)))) {
          return null;
        }
        ClientSession s = warm.turnedClientSession(link, id, "warm-up", arg);
        s.opened().thenAccept(open -> open.close(ErrorCode.CLOSED, "closed by client"));
        turnedClosed.add(s.closeFuture());
        return s;
      });
      MasterSpec.Registration registration = new MasterSpec.Registration("127.0.0.1", 1, false, Optional.empty());
      MasterSpec.Registration turn = new MasterSpec.Registration("127.0.0.1", Yes.TURN_PORT, false, Optional.empty());
      for (int c = 0; c < CONNECTIONS; c++) {
        ConnectionImpl<MasterSpec> connection = Errors.await(warm.open(handle, arg, false));
        for (int i = 0; i < CALLS; i++) {
          connection.call(MasterSpec.INIT_STARTED);
          connection.call(MasterSpec.REGISTER, registration);
        }
        // Then as a spawnAndConnect worker: the connection turns, and this host serves the OPEN on it.
        connection.callThenTurn(MasterSpec.REGISTER, turn, a -> a == MasterSpec.Answer.TURN, warm.credential(new Auth.Terms(id, 0, 0)),
            link -> warm.turnedServerSession(host, link));
        CompletableFuture<String> closed = turnedClosed.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        if (closed == null) {
          break; // the turn failed: only speed is lost
        }
        closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
        rounds++;
      }
    } catch (Exception | Error e) {
      // only speed is lost
    } finally {
      try {
        warm.close();
      } catch (RuntimeException e) {
        // same
      }
    }
    return rounds;
  }

  /** A registry that accepts everything: the warm-up is its own master. */
  private static final class Yes implements MasterSpec.Registry {
    /** A registration with this port is answered {@code TURN}, the others {@code REGISTERED}. */
    static final int TURN_PORT = 2;

    @Override
    public boolean connected(UUID id, ConnectionContext connection) {
      return true;
    }

    @Override
    public boolean initStarted(UUID id) {
      return true;
    }

    @Override
    public MasterSpec.Answer register(UUID id, MasterSpec.Registration registration) {
      return registration.port() == TURN_PORT ? MasterSpec.Answer.TURN : MasterSpec.Answer.REGISTERED;
    }

    @Override
    public void failed(UUID id, String worker, RemoteFailure error) {
      // nothing fails here
    }
  }
}
