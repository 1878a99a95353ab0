package dev.rpcparallel.mapreduce;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.internal.pool.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * How a {@link WorkerPool} (and each {@link MapReduce} operation) gets its workers and runs work
 * on them. Immutable; build with {@link #builder()}.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><td>{@code localWorkers}</td><td>the number of cores (if no other group is given)</td></tr>
 *   <tr><td>{@code group(count, options)}</td><td>more workers started with other spawn options
 *       (a launcher onto other hosts, other JVM options); each group numbers its workers from 0,
 *       as the original does for its local and remote groups</td></tr>
 *   <tr><td>{@code spawnOptions}</td><td>{@link SpawnOptions#defaults()}: the base of every
 *       local worker's options (working directory, JVM options, connection timeout...)</td></tr>
 *   <tr><td>{@code stdout}, {@code stderr}</td><td>forwarded; a redirect per worker index</td></tr>
 *   <tr><td>{@code spawnConcurrency}</td><td>all of a group at once; 1 spawns one by one</td></tr>
 *   <tr><td>{@code batchSize}</td><td>automatic (0): batches grow until one takes about 25 ms of
 *       the worker's time, like Python's {@code chunksize} but measured</td></tr>
 *   <tr><td>{@code retries}</td><td>3: an input in flight on a worker that dies is given to
 *       another worker up to this many times; 0 makes a dead worker fail the job</td></tr>
 *   <tr><td>{@code replaceDeadWorkers}</td><td>true: a worker that dies is replaced by a new
 *       one (spawned with the same options and index)</td></tr>
 *   <tr><td>{@code progress}</td><td>none; see {@link ProgressListener}</td></tr>
 * </table>
 */
public final class PoolConfig {
  /** A group of workers started with the same options. */
  record Group(int count, SpawnOptions options) {}

  private final List<Group> groups;
  private final IntFunction<Redirect> stdout;
  private final IntFunction<Redirect> stderr;
  private final int spawnConcurrency;
  private final int batchSize;
  private final int retries;
  private final boolean replaceDeadWorkers;
  private final ProgressListener progress;
  private final Duration progressInterval;

  private PoolConfig(Builder b) {
    List<Group> g = new ArrayList<>();
    int local = b.localWorkers >= 0 ? b.localWorkers : (b.groups.isEmpty() ? Runtime.getRuntime().availableProcessors() : 0);
    if (local > 0) {
      g.add(new Group(local, b.spawnOptions));
    }
    g.addAll(b.groups);
    if (g.stream().mapToInt(Group::count).sum() < 1) {
      throw new IllegalArgumentException("total number of workers must be positive");
    }
    this.groups = List.copyOf(g);
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.spawnConcurrency = b.spawnConcurrency;
    this.batchSize = b.batchSize;
    this.retries = b.retries;
    this.replaceDeadWorkers = b.replaceDeadWorkers;
    this.progress = b.progress;
    this.progressInterval = b.progressInterval;
  }

  /** The defaults: one worker per core, on this machine. */
  public static PoolConfig defaults() {
    return builder().build();
  }

  /** A builder holding the defaults of the table above. */
  public static Builder builder() {
    return new Builder();
  }

  /** The plan the engine runs. */
  Plan plan() {
    List<Plan.Group> g = groups.stream().map(x -> new Plan.Group(x.count(), x.options())).toList();
    Plan.ProgressSink sink = progress == null ? null
        : (done, total, failures, rate, elapsed, finished) -> progress.onProgress(new Progress(done, total, failures, rate, elapsed, finished));
    return new Plan(g, stdout, stderr, spawnConcurrency, batchSize, retries, replaceDeadWorkers, sink, progressInterval);
  }

  /** The number of workers in all groups. */
  public int workers() {
    return groups.stream().mapToInt(Group::count).sum();
  }

  /** Builds a {@link PoolConfig}. Not thread-safe. */
  public static final class Builder {
    private int localWorkers = -1;
    private final List<Group> groups = new ArrayList<>();
    private SpawnOptions spawnOptions = SpawnOptions.defaults();
    private IntFunction<Redirect> stdout = i -> Redirect.forward();
    private IntFunction<Redirect> stderr = i -> Redirect.forward();
    private int spawnConcurrency = Integer.MAX_VALUE;
    private int batchSize;
    private int retries = 3;
    private boolean replaceDeadWorkers = true;
    private ProgressListener progress;
    private Duration progressInterval = Duration.ofMillis(200);

    private Builder() {}

    /** Workers on this machine (default: the number of cores, unless other groups are given). */
    public Builder localWorkers(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("localWorkers must be nonnegative, got " + n);
      }
      this.localWorkers = n;
      return this;
    }

    /**
     * Base options of the local workers (default {@link SpawnOptions#defaults()}). The pool sets
     * each worker's name, {@code onFailure} (a logged warning), stdout and stderr, and spawns with
     * {@code CONNECTION_CLOSED}, whatever these options say.
     *
     * @throws NullPointerException if {@code options} is null
     */
    public Builder spawnOptions(SpawnOptions options) {
      this.spawnOptions = Objects.requireNonNull(options);
      return this;
    }

    /**
     * {@code count} more workers started with {@code options}, e.g. a launcher that starts them
     * on another host. The pool overrides the same options as for {@link #spawnOptions}. Giving a
     * group makes the number of local workers default to 0.
     *
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws NullPointerException if {@code options} is null
     */
    public Builder group(int count, SpawnOptions options) {
      if (count < 0) {
        throw new IllegalArgumentException("a group's number of workers must be nonnegative, got " + count);
      }
      groups.add(new Group(count, Objects.requireNonNull(options)));
      return this;
    }

    /** Where worker {@code i}'s stdout goes (the index counts within its group). */
    public Builder stdout(IntFunction<Redirect> perIndex) {
      this.stdout = Objects.requireNonNull(perIndex);
      return this;
    }

    /** Where worker {@code i}'s stderr goes (the index counts within its group). */
    public Builder stderr(IntFunction<Redirect> perIndex) {
      this.stderr = Objects.requireNonNull(perIndex);
      return this;
    }

    /** How many workers of a group start at once (default: all). */
    public Builder spawnConcurrency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("spawnConcurrency must be positive, got " + n);
      }
      this.spawnConcurrency = n;
      return this;
    }

    /** Inputs per batch; 0 (the default) sizes batches automatically. */
    public Builder batchSize(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("batchSize must be nonnegative, got " + n);
      }
      this.batchSize = n;
      return this;
    }

    /** How often an input may be retried on another worker when its worker dies; 0: never. */
    public Builder retries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("retries must be nonnegative, got " + n);
      }
      this.retries = n;
      return this;
    }

    /** Whether a worker that dies is replaced (default true). */
    public Builder replaceDeadWorkers(boolean replace) {
      this.replaceDeadWorkers = replace;
      return this;
    }

    /** Receives progress reports, at most every {@code interval} and once at the end. */
    public Builder progress(ProgressListener listener, Duration interval) {
      this.progress = Objects.requireNonNull(listener);
      this.progressInterval = Objects.requireNonNull(interval);
      return this;
    }

    /** Receives progress reports, at most every 200 ms and once at the end. */
    public Builder progress(ProgressListener listener) {
      return progress(listener, Duration.ofMillis(200));
    }

    /**
     * The configuration; it copies the groups, so later changes to the builder do not reach it.
     *
     * @throws IllegalArgumentException if there would be no worker at all
     */
    public PoolConfig build() {
      return new PoolConfig(this);
    }
  }
}
