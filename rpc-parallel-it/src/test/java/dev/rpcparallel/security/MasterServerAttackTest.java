package dev.rpcparallel.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.HandleBytes;
import dev.rpcparallel.fixtures.MasterServer;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.SecurityWorker;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * <b>Attack: a peer holding the master server's credential</b> (as every spawned worker of the
 * application can derive it: a spawned worker receives the application secret) tries to close
 * the master's server, so that later spawns cannot connect back, or to open it as a worker the
 * master is not waiting for. {@code rpc_parallel.close_server} on the master's server is refused
 * ({@code ERROR FORBIDDEN}, "the master's server cannot be closed: later spawns need it") and the
 * server keeps accepting (a later spawn works); an OPEN naming an id that is not a child the
 * master is waiting for is refused ({@code REFUSED}, IllegalArgumentException "this master is not
 * waiting for worker ...").
 */
@Timeout(90)
@ExtendWith(NoLeaks.class)
class MasterServerAttackTest {
  private static final byte[] SECRET = "master server attack test secret".getBytes(StandardCharsets.US_ASCII);

  @Test
  void closingTheMasterServerOrOpeningItForAnotherWorkerIsRefused() throws Exception {
    try (RpcParallel app = RpcParallel.builder().environment(Map.of()).secret(SECRET).build()) {
      Worker<SecurityWorker> first = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("first").build());
      HandleBytes master = MasterServer.of(app);

      try (RawPeer p = new RawPeer(master.host(), master.port(), master.id())) {
        RawPeer.Frame ok = p.authenticate(master.credential(), master.terms());
        assertThat(ok.type()).isEqualTo(FrameType.AUTH_OK);
        BinaryWriter open = new BinaryWriter().writeFixedLong(master.id().getMostSignificantBits())
            .writeFixedLong(master.id().getLeastSignificantBits()).writeBytes(new byte[0]).writeBoolean(true);
        p.sendFrame(FrameType.OPEN, open.toByteArray());
        RawPeer.Frame opened = p.readFrame();
        assertThat(opened.type()).isEqualTo(FrameType.OPENED);
        Menu menu = Menu.read(opened.body());
        p.sendCall(1, menu.find("rpc_parallel.close_server").index(), Codecs.VOID.toBytes(null));
        RawPeer.Error e = RawPeer.error(p.readNonHeartbeat());
        assertThat(e).isEqualTo(new RawPeer.Error(1, ErrorCode.FORBIDDEN, "the master's server cannot be closed: later spawns need it"));
      }

      UUID stranger = UUID.randomUUID();
      try (RawPeer p = new RawPeer(master.host(), master.port(), master.id())) {
        assertThat(p.authenticate(master.credential(), master.terms()).type()).isEqualTo(FrameType.AUTH_OK);
        BinaryWriter open = new BinaryWriter().writeFixedLong(master.id().getMostSignificantBits())
            .writeFixedLong(master.id().getLeastSignificantBits()).writeBytes(Codecs.UUID.toBytes(stranger)).writeBoolean(false);
        p.sendFrame(FrameType.OPEN, open.toByteArray());
        RawPeer.Frame refused = p.readFrame();
        assertThat(refused.type()).isEqualTo(FrameType.REFUSED);
        assertThat(refused.body().readByte()).as("a remote exception").isZero();
        assertThat(refused.body().readString()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(refused.body().readBoolean()).isTrue();
        assertThat(refused.body().readString()).isEqualTo("this master is not waiting for worker " + stranger);
      }

      // The master's server still accepts the workers it spawns.
      Worker<SecurityWorker> second = app.spawn(new SecurityWorker(), 0, SpawnOptions.builder().name("second").build());
      for (Worker<SecurityWorker> w : java.util.List.of(first, second)) {
        try (Connection<SecurityWorker> c = app.connect(w)) {
          assertThat(c.call(SecurityWorker.PID)).isPositive();
        }
        app.shutdown(w).get(10, TimeUnit.SECONDS);
        assertThat(app.onExit(w).get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }
}
