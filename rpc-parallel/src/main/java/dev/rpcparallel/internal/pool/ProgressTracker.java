package dev.rpcparallel.internal.pool;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a job's progress and reports it to the plan's listener: on progress, at most once per
 * interval, and once at the end. Reports are made by the job's threads (no thread of its own), one
 * at a time. Thread-safe.
 */
final class ProgressTracker {
  private static final Logger log = LoggerFactory.getLogger(ProgressTracker.class);

  private final Plan.ProgressSink listener;
  private final long intervalNanos;
  private final LongSupplier total;
  private long start;
  private long lastReport;
  private long done;
  private long failures;
  private boolean finished;

  ProgressTracker(Plan plan, LongSupplier total) {
    this.listener = plan.progress();
    this.intervalNanos = plan.progressInterval().toNanos();
    this.total = total;
  }

  synchronized void start() {
    start = System.nanoTime();
    lastReport = start;
  }

  synchronized void done(long n) {
    done += n;
    long now = System.nanoTime();
    if (now - lastReport >= intervalNanos) {
      lastReport = now;
      report(now, false);
    }
  }

  synchronized void failure(long n) {
    failures += n;
  }

  synchronized long count() {
    return done;
  }

  synchronized void finish() {
    if (!finished) {
      finished = true;
      report(System.nanoTime(), true);
    }
  }

  private void report(long now, boolean last) {
    if (listener == null) {
      return;
    }
    double seconds = Math.max(1e-9, (now - start) / 1e9);
    try {
      listener.report(done, total.getAsLong(), failures, done / seconds, Duration.ofNanos(now - start), last);
    } catch (RuntimeException e) {
      log.warn("a progress listener threw", e);
    }
  }
}
