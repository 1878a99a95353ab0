package dev.rpcparallel.internal.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children of one master, pending and live, by worker id, each with an attachment (what the
 * engine knows of it). A child leaves the registry when it exits; its exit status stays
 * available for the {@value #REMEMBERED_EXITS} most recent exits. Thread-safe.
 *
 * @param <A> the attachment type
 */
public final class ChildRegistry<A> {
  /** How many exited children's statuses are remembered. */
  public static final int REMEMBERED_EXITS = 1024;

  /** A registered child and its attachment. */
  public record Entry<A>(ChildProcess process, A attachment) {}

  private final Map<UUID, Entry<A>> live = new ConcurrentHashMap<>();
  private final Map<UUID, Integer> exited = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Integer> eldest) {
      return size() > REMEMBERED_EXITS;
    }
  };

  /** Adds a child; it is removed (and its status remembered) when it exits. */
  public void add(UUID id, ChildProcess process, A attachment) {
    live.put(id, new Entry<>(process, attachment));
    process.exit().thenAccept(status -> {
      synchronized (exited) {
        exited.put(id, status);
      }
      live.remove(id);
    });
  }

  /** Forgets a child without waiting for its exit (a spawn that failed and was reaped). */
  public void remove(UUID id) {
    live.remove(id);
  }

  public Optional<Entry<A>> get(UUID id) {
    return Optional.ofNullable(live.get(id));
  }

  /** The live children now. */
  public List<Entry<A>> live() {
    return new ArrayList<>(live.values());
  }

  /** The exit status of a child, once it exits; empty if the id is unknown (or long forgotten). */
  public Optional<CompletableFuture<Integer>> exitOf(UUID id) {
    Entry<A> e = live.get(id);
    if (e != null) {
      return Optional.of(e.process().exit());
    }
    synchronized (exited) {
      Integer status = exited.get(id);
      return status == null ? Optional.empty() : Optional.of(CompletableFuture.completedFuture(status));
    }
  }

}
