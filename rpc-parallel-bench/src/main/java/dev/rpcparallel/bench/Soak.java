package dev.rpcparallel.bench;

import dev.rpcparallel.Connection;
import dev.rpcparallel.ConnectionClosedException;
import dev.rpcparallel.ReverseCall;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak test: 8 spawned workers, 64 caller threads, a mix of calls, pipes and reverse pipes, and
 * callers that randomly drop their connection in the middle of things, for a given time. Every
 * reply carries its request's id; the run checks that no reply is lost (a call that neither
 * completes nor fails within 60 s), none is duplicated or answers another request, and prints a
 * table per minute (or per interval) with the counts, the master's heap after a GC and the
 * workers' resident memory. Exits 1 if anything was lost, duplicated, wrong or unexpected.
 *
 * <pre>
 * java -cp "rpc-parallel-bench/target/classes:rpc-parallel-bench/target/lib/*" \
 *      dev.rpcparallel.bench.Soak --minutes 10
 * </pre>
 *
 * <p>Options: {@code --minutes N} or {@code --seconds N} (default 60 s), {@code --interval
 * SECONDS} between table rows (default 60, or the duration divided by 6 if shorter), {@code
 * --workers N} (8), {@code --callers N} (64).
 */
public final class Soak {
  private static final long CALL_DEADLINE_SECONDS = 60;

  private final AtomicLong nextId = new AtomicLong();
  /** One bit per request id (ids count up from 1), so this bookkeeping adds ~1 bit per request to the heap column, not a boxed set entry. */
  private final BitSet answered = new BitSet();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong pipes = new AtomicLong();
  private final AtomicLong reverses = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final AtomicLong cutShort = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicLong unexpected = new AtomicLong();
  private final List<String> firstProblems = new ArrayList<>();
  private volatile boolean running = true;

  private Soak() {}

  public static void main(String[] args) throws Exception {
    long seconds = 60;
    long interval = -1;
    int workers = 8;
    int callers = 64;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> seconds = 60 * Long.parseLong(args[++i]);
        case "--seconds" -> seconds = Long.parseLong(args[++i]);
        case "--interval" -> interval = Long.parseLong(args[++i]);
        case "--workers" -> workers = Integer.parseInt(args[++i]);
        case "--callers" -> callers = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: Soak [--minutes N | --seconds N] [--interval S] [--workers N] [--callers N]");
          System.exit(2);
        }
      }
    }
    if (interval <= 0) {
      interval = Math.max(5, Math.min(60, seconds / 6));
    }
    System.exit(new Soak().run(seconds, interval, workers, callers) ? 0 : 1);
  }

  private boolean run(long seconds, long interval, int workerCount, int callerCount) throws Exception {
    try (RpcParallel app = RpcParallel.create()) {
      List<Worker<SoakWorker>> workers = new ArrayList<>();
      List<Long> pids = new ArrayList<>();
      for (int i = 0; i < workerCount; i++) {
        Worker<SoakWorker> w = app.spawn(new SoakWorker(), null, SpawnOptions.builder().name("soak-" + i).build());
        workers.add(w);
        pids.add(app.withConnection(w, c -> c.call(SoakWorker.PID)));
      }
      System.out.printf(Locale.ROOT, "soak: %d workers, %d callers, %d s, a row every %d s%n%n",
          workerCount, callerCount, seconds, interval);
      System.out.println("| time | calls | pipes | reverse pipes | dropped connections | cut short | lost | duplicated | wrong | unexpected | master heap MiB | worker RSS MiB (min–max) |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
      ExecutorService pool = Executors.newFixedThreadPool(callerCount);
      for (int i = 0; i < callerCount; i++) {
        pool.execute(() -> caller(app, workers));
      }
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      for (long next = start + TimeUnit.SECONDS.toNanos(interval); ; next += TimeUnit.SECONDS.toNanos(interval)) {
        long now = System.nanoTime();
        if (next > end) {
          next = end;
        }
        if (next > now) {
          TimeUnit.NANOSECONDS.sleep(next - now); // a fixed-rate report, not a wait for an event
        }
        row((System.nanoTime() - start) / 1_000_000_000L, pids);
        if (next >= end) {
          break;
        }
      }
      running = false;
      pool.shutdown();
      if (!pool.awaitTermination(CALL_DEADLINE_SECONDS + 10, TimeUnit.SECONDS)) {
        lost.incrementAndGet();
        problem("callers did not finish within " + (CALL_DEADLINE_SECONDS + 10) + " s of the end");
        pool.shutdownNow();
      }
      row((System.nanoTime() - start) / 1_000_000_000L, pids);
    }
    boolean ok = lost.get() == 0 && duplicated.get() == 0 && wrong.get() == 0 && unexpected.get() == 0;
    System.out.println();
    System.out.println(ok ? "soak: OK (nothing lost, duplicated, wrong or unexpected)" : "soak: FAILED");
    synchronized (firstProblems) {
      firstProblems.forEach(p -> System.out.println("  " + p));
    }
    return ok;
  }

  private void row(long elapsed, List<Long> pids) {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    long min = Long.MAX_VALUE;
    long max = 0;
    for (long pid : pids) {
      long rss = rssMiB(pid);
      min = Math.min(min, rss);
      max = Math.max(max, rss);
    }
    System.out.printf(Locale.ROOT, "| %d s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d–%d |%n",
        elapsed, calls.get(), pipes.get(), reverses.get(), disconnects.get(), cutShort.get(), lost.get(),
        duplicated.get(), wrong.get(), unexpected.get(), heap, min, max);
  }

  private static long rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not on Linux, or the worker is gone
    }
    return -1;
  }

  /** One caller: connects to random workers and does random work; sometimes drops its connection on purpose. */
  private void caller(RpcParallel app, List<Worker<SoakWorker>> workers) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running) {
      Worker<SoakWorker> w = workers.get(random.nextInt(workers.size()));
      try (Connection<SoakWorker> c = app.connect(w)) {
        int operations = 1 + random.nextInt(200);
        for (int i = 0; i < operations && running; i++) {
          int pick = random.nextInt(100);
          boolean drop = random.nextInt(500) == 0; // now and then, cut the connection mid-operation
          if (pick < 70) {
            call(c, drop);
          } else if (pick < 85) {
            pipe(c, drop, random);
          } else {
            reverse(c, drop, random);
          }
          if (drop) {
            disconnects.incrementAndGet();
            break;
          }
        }
      } catch (RuntimeException e) {
        if (running) {
          unexpected("connect or close: " + e);
        }
      }
    }
  }

  private void call(Connection<SoakWorker> c, boolean drop) {
    long id = nextId.incrementAndGet();
    var reply = c.callAsync(SoakWorker.ECHO, id);
    if (drop) {
      c.close();
    }
    try {
      byte[] bytes = reply.get(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (bytes.length != 8 + id % 4096 || ByteBuffer.wrap(bytes).getLong() != id) {
        wrong("echo " + id + " answered with another request's bytes");
      }
      answer(id);
      calls.incrementAndGet();
    } catch (java.util.concurrent.TimeoutException e) {
      lost("echo " + id + " had no answer within " + CALL_DEADLINE_SECONDS + " s");
    } catch (Exception e) {
      expectedIfDropped(drop, "echo " + id, e);
    }
  }

  private void pipe(Connection<SoakWorker> c, boolean drop, ThreadLocalRandom random) {
    long id = nextId.incrementAndGet();
    int count = random.nextInt(1, 2000);
    boolean abort = random.nextInt(20) == 0; // sometimes stop reading early and close the reader
    try (StreamReader<Long> items = c.open(SoakWorker.COUNT, new long[] {id, count})) {
      int expected = abort ? random.nextInt(count) : count;
      for (int i = 0; i < expected; i++) {
        if (drop && i == expected / 2) {
          c.close();
        }
        if (!items.hasNext()) {
          wrong("pipe " + id + " ended after " + i + " of " + count + " items");
          return;
        }
        long item = items.next();
        if (item != id * 1000 + i) {
          wrong("pipe " + id + " item " + i + " was " + item);
          return;
        }
      }
      if (!abort && items.hasNext()) {
        wrong("pipe " + id + " had more than " + count + " items");
        return;
      }
      answer(id);
      pipes.incrementAndGet();
      if (abort) {
        cutShort.incrementAndGet();
      }
    } catch (RuntimeException e) {
      expectedIfDropped(drop, "pipe " + id, e);
    }
  }

  private void reverse(Connection<SoakWorker> c, boolean drop, ThreadLocalRandom random) {
    long id = nextId.incrementAndGet();
    int count = random.nextInt(1, 2000);
    try (ReverseCall<Long, Long> call = c.openReverse(SoakWorker.SUM, id)) {
      long sum = id;
      for (int i = 0; i < count; i++) {
        if (drop && i == count / 2) {
          c.close();
        }
        if (!call.updates().write((long) i)) {
          break;
        }
        sum += i;
      }
      call.updates().close();
      long answer = call.result().get(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (answer != sum) {
        wrong("reverse pipe " + id + " answered " + answer + ", expected " + sum);
      }
      answer(id);
      reverses.incrementAndGet();
    } catch (java.util.concurrent.TimeoutException e) {
      lost("reverse pipe " + id + " had no answer within " + CALL_DEADLINE_SECONDS + " s");
    } catch (Exception e) {
      expectedIfDropped(drop, "reverse pipe " + id, e);
    }
  }

  private void answer(long id) {
    boolean first;
    synchronized (answered) {
      first = !answered.get(Math.toIntExact(id));
      answered.set(Math.toIntExact(id));
    }
    if (!first) {
      duplicated.incrementAndGet();
      problem("request " + id + " answered twice");
    }
  }

  /** A failure is expected only because this caller closed the connection itself. */
  private void expectedIfDropped(boolean dropped, String what, Exception e) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (dropped && cause instanceof ConnectionClosedException closed && closed.reason().equals("closed by client")) {
      return;
    }
    unexpected(what + ": " + cause);
  }

  private void lost(String what) {
    lost.incrementAndGet();
    problem("lost: " + what);
  }

  private void wrong(String what) {
    wrong.incrementAndGet();
    problem("wrong: " + what);
  }

  private void unexpected(String what) {
    unexpected.incrementAndGet();
    problem("unexpected: " + what);
  }

  private void problem(String what) {
    synchronized (firstProblems) {
      if (firstProblems.size() < 20) {
        firstProblems.add(what);
      }
    }
  }
}
