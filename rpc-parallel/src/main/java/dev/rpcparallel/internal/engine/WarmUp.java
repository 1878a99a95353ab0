package dev.rpcparallel.internal.engine;

import dev.rpcparallel.ConnectionContext;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * What a spare worker JVM does while it waits to be needed: it runs, inside itself, the exchange
 * a worker has with its master — an application with a throw-away secret hosts a {@link
 * MasterSpec} on loopback, connects to it 60 times, and calls it 1,200 times in all — then closes that
 * application. The classes of the transport, sessions, codecs and engine are then loaded and their
 * hot paths compiled, so the worker the spare becomes answers its first call in milliseconds.
 * Nothing of it is kept: the real application is built from the bootstrap, as in any worker.
 * A failure here only costs speed: it is ignored.
 */
final class WarmUp {
  /** Rounds of connect, calls and close; calls per connection (a spawn's first connect took 10 ms after 3 rounds, 7 after 60). */
  private static final int CONNECTIONS = 60;
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

  /** Warms up with an application made by {@code makeApp}; never throws. */
  static void run(Function<WorkerRuntime.AppParams, Engine> makeApp) {
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
      return;
    }
    try {
      UUID id = UUID.randomUUID();
      LogHub log = new LogHub("warm-up", false);
      WorkerHost<MasterSpec.Registry, UUID, UUID> host =
          warm.host(id, "warm-up", new MasterSpec(), new Yes(), log, new HostedContext(log, warm.app()), false);
      Worker<MasterSpec> handle = warm.handle(id, "warm-up", host);
      MasterSpec.Registration registration = new MasterSpec.Registration("127.0.0.1", 1, false, Optional.empty());
      for (int c = 0; c < CONNECTIONS; c++) {
        ConnectionImpl<MasterSpec> connection = Errors.await(warm.open(handle, Codecs.UUID.toBytes(id), false));
        for (int i = 0; i < CALLS; i++) {
          connection.call(MasterSpec.INIT_STARTED);
          connection.call(MasterSpec.REGISTER, registration);
        }
        connection.close();
      }
    } catch (RuntimeException | Error e) {
      // only speed is lost
    } finally {
      try {
        warm.close();
      } catch (RuntimeException e) {
        // same
      }
    }
  }

  /** A registry that accepts everything: the warm-up is its own master. */
  private static final class Yes implements MasterSpec.Registry {
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
      return MasterSpec.Answer.REGISTERED;
    }

    @Override
    public void failed(UUID id, String worker, RemoteFailure error) {
      // nothing fails here
    }
  }
}
