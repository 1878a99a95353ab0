package dev.rpcparallel.remote;

import dev.rpcparallel.Connection;
import dev.rpcparallel.Implementations;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.Worker;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fixtures.TestWorker;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A worker for remote tests: it says where it runs, and calls another worker through a handle it is given. */
public final class HopWorker extends SimpleWorkerSpec<Void, WorkerContext> {
  /** The IPv4 addresses of the machine (network namespace) the worker runs in. */
  public static final Rpc<HopWorker, Void, List<String>> ADDRESSES = Rpc.of("addresses", Codecs.VOID, Codecs.list(Codecs.STRING));
  /** Connects to the given worker from here and returns its answer to {@code ECHO "hop"}. */
  public static final Rpc<HopWorker, Worker<TestWorker>, String> CALL_ECHO =
      Rpc.of("call_echo", Worker.codec(TestWorker.class), Codecs.STRING);
  public static final Rpc<HopWorker, String, String> GETENV = Rpc.of("getenv", Codecs.STRING, Codecs.STRING);
  /** The raw bytes of an environment variable's value, from /proc/self/environ (empty array if unset). */
  public static final Rpc<HopWorker, String, byte[]> ENVIRON_BYTES = Rpc.of("environ_bytes", Codecs.STRING, Codecs.BYTES);
  public static final Rpc<HopWorker, Void, Long> PID = Rpc.of("pid", Codecs.VOID, Codecs.LONG);

  public HopWorker() {
    super(Codecs.VOID);
  }

  @Override
  public WorkerContext initWorkerState(Void arg, WorkerContext context) {
    return context;
  }

  @Override
  public void implement(Implementations<WorkerContext, Void> table) {
    table
        .rpc(ADDRESSES, (s, c, q) -> {
          List<String> out = new ArrayList<>();
          for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
              if (a instanceof java.net.Inet4Address) {
                out.add(a.getHostAddress());
              }
            }
          }
          return out;
        })
        .rpc(CALL_ECHO, (s, c, target) -> {
          try (Connection<TestWorker> conn = s.app().connect(target, "from-hop")) {
            return conn.call(TestWorker.ECHO, "hop");
          }
        })
        .rpc(GETENV, (s, c, name) -> {
          String v = System.getenv(name);
          return v == null ? "<unset>" : v;
        })
        .rpc(ENVIRON_BYTES, (s, c, name) -> {
          byte[] all = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/environ"));
          byte[] key = (name + "=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          int start = 0;
          for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == 0) {
              if (i - start >= key.length && java.util.Arrays.equals(all, start, start + key.length, key, 0, key.length)) {
                return java.util.Arrays.copyOfRange(all, start + key.length, i);
              }
              start = i + 1;
            }
          }
          return new byte[0];
        })
        .rpc(PID, (s, c, q) -> ProcessHandle.current().pid());
  }
}
