package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.SshLauncher;
import dev.rpcparallel.StateStream;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workers on two real sshd hosts, each in its own network namespace ({@link SshHosts}): every
 * function kind, shutdown, and a handle passed from a local worker to a remote one.
 */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class RemoteWorkersTest {
  private static SshHosts hosts;
  private static Path cache;

  @BeforeAll
  static void fixture() {
    hosts = SshHosts.get();
    cache = Remote.freshCache(hosts, "kinds");
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (cache != null) {
      Remote.deleteTree(cache);
    }
  }

  @Test
  void everyFunctionKindOnEachOfTwoHosts() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      for (SshHosts.Host host : hosts.hosts()) {
        SshLauncher launcher = Remote.launcher(hosts, host, cache).build();
        Worker<TestWorker> w = app.spawn(new TestWorker(), 7, SpawnOptions.builder().name("on-" + host.name()).launcher(launcher).build());
        assertThat(w.host()).as("advertised address").isEqualTo(host.address());
        assertThat(w.usesTls()).isTrue();
        try (Connection<TestWorker> c = app.connect(w, "c-" + host.name())) {
          assertThat(c.call(TestWorker.WHO, "hi")).isEqualTo("c-" + host.name() + ":hi");
          List<Integer> counted = new ArrayList<>();
          try (StreamReader<Integer> r = c.open(TestWorker.COUNT, 5)) {
            r.forEachRemaining(counted::add);
          }
          assertThat(counted).containsExactly(0, 1, 2, 3, 4);
          assertThat(c.callReverse(TestWorker.SHARD, 3, List.of(3, 13, 23).iterator()))
              .containsExactly("worker 3 got 3:23", "worker 3 got 3:13", "worker 3 got 3:3");
          try (StateStream<String, Character> s = c.openState(TestWorker.STATE, 3)) {
            StringBuilder sb = new StringBuilder(s.state());
            s.updates().forEachRemaining(sb::append);
            assertThat(sb.toString()).isEqualTo("hello world abc");
          }
          c.send(TestWorker.NOTE, "one-way to " + host.name());
          assertThat(c.call(TestWorker.DRAIN_NOTES)).containsExactly("c-" + host.name() + ":one-way to " + host.name());
        }
        Worker<HopWorker> hop = app.spawn(new HopWorker(), null, SpawnOptions.builder().name("where-" + host.name()).launcher(launcher).build());
        try (Connection<HopWorker> c = app.connect(hop)) {
          assertThat(c.call(HopWorker.ADDRESSES)).as("it runs in the host's namespace").contains(host.address())
              .doesNotContain(hosts.localAddress());
        }
        app.shutdown(w).get(20, TimeUnit.SECONDS);
        app.shutdown(hop).get(20, TimeUnit.SECONDS);
        assertThat(app.onExit(w).get(20, TimeUnit.SECONDS)).as("exit status through ssh").isZero();
        assertThat(app.onExit(hop).get(20, TimeUnit.SECONDS)).isZero();
      }
    }
  }

  @Test
  void aHandleOfALocalWorkerIsCalledFromARemoteOne() throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      Worker<TestWorker> local = app.spawn(new TestWorker(), 1, SpawnOptions.builder().name("local-tls")
          .listenAddress(hosts.localAddress()).build());
      assertThat(local.host()).isEqualTo(hosts.localAddress());
      assertThat(local.usesTls()).isTrue();
      SshHosts.Host h1 = hosts.hosts().get(0);
      Worker<HopWorker> hop = app.spawn(new HopWorker(), null,
          SpawnOptions.builder().name("hop").launcher(Remote.launcher(hosts, h1, cache).build()).build());
      try (Connection<HopWorker> c = app.connect(hop)) {
        assertThat(c.call(HopWorker.CALL_ECHO, local)).isEqualTo("hop");
      }
      // and a remote worker's handle from the other host
      SshHosts.Host h2 = hosts.hosts().get(1);
      Worker<TestWorker> far = app.spawn(new TestWorker(), 2,
          SpawnOptions.builder().name("far").launcher(Remote.launcher(hosts, h2, cache).build()).build());
      try (Connection<HopWorker> c = app.connect(hop)) {
        assertThat(c.call(HopWorker.CALL_ECHO, far)).isEqualTo("hop");
      }
    }
  }
}
