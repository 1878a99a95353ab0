package dev.rpcparallel.testing;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.SimpleWorkerSpec;
import dev.rpcparallel.WorkerContext;
import dev.rpcparallel.codec.Codecs;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker that streams large items and samples its own heap and direct memory every 20 ms, so
 * a test can check that a slow consumer does not make it buffer.
 */
public final class MemoryWorker extends SimpleWorkerSpec<Integer, MemoryWorker.Peaks> {
  /** Peak memory seen since start. */
  public static final class Peaks {
    final AtomicLong heap = new AtomicLong();
    final AtomicLong direct = new AtomicLong();
  }

  /** Streams {@code n} items of 1 MiB. */
  public static final Pipe<MemoryWorker, Integer, byte[]> MEGABYTES = Pipe.of("megabytes", Codecs.INT, Codecs.BYTES);
  /** Peak heap used and peak direct memory used, in bytes. */
  public static final Rpc<MemoryWorker, Void, List<Long>> PEAKS = Rpc.of("peaks", Codecs.VOID, Codecs.list(Codecs.LONG));

  public MemoryWorker() {
    super(Codecs.INT);
  }

  @Override
  public Peaks initWorkerState(Integer arg, WorkerContext context) {
    Peaks p = new Peaks();
    Thread sampler = new Thread(() -> {
      List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
      while (true) {
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = pools.stream().filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum()
            + io.netty.util.internal.PlatformDependent.usedDirectMemory();
        p.heap.accumulateAndGet(heap, Math::max);
        p.direct.accumulateAndGet(direct, Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
    return p;
  }

  @Override
  public void implement(Implementations<Peaks, Void> table) {
    table.pipe(MEGABYTES, (p, c, n, out) -> {
      byte[] item = new byte[1 << 20];
      for (int i = 0; i < n && out.write(item); i++) {
        item[0] = (byte) i;
      }
      out.close();
    });
    table.rpc(PEAKS, (p, c, q) -> List.of(p.heap.get(), p.direct.get()));
  }
}
