package dev.rpcparallel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The table of a worker type's function implementations, filled in by {@link
 * WorkerSpec#implement}. Each handler receives the worker state {@code S}, the connection state
 * {@code T} and the query. A handler that throws makes the call fail with a {@link
 * RemoteException} at the caller; the worker keeps serving. Names must be unique: binding a
 * second function of the same name is an {@link IllegalArgumentException}. Not thread-safe (it is
 * filled once, then read).
 */
public final class Implementations<S, T> {

  /** Implements an {@link Rpc}. */
  @FunctionalInterface
  public interface RpcHandler<S, T, Q, R> {
    R handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /** Implements a {@link OneWay}. */
  @FunctionalInterface
  public interface OneWayHandler<S, T, Q> {
    void handle(S workerState, T connectionState, Q query) throws Exception;
  }

  /**
   * Implements a {@link Pipe}: write items to {@code out} and close it, now or later from another
   * thread. Returning without closing leaves the stream open; throwing before closing ends it
   * with that error.
   */
  @FunctionalInterface
  public interface PipeHandler<S, T, Q, R> {
    void handle(S workerState, T connectionState, Q query, StreamWriter<R> out) throws Exception;
  }

  /** Implements a {@link ReversePipe}: read the caller's updates and return the response. */
  @FunctionalInterface
  public interface ReversePipeHandler<S, T, Q, U, R> {
    R handle(S workerState, T connectionState, Q query, StreamReader<U> updates) throws Exception;
  }

  /** Implements a {@link StateRpc}: return the initial state; write updates to {@code updates}. */
  @FunctionalInterface
  public interface StateHandler<S, T, Q, St, U> {
    St handle(S workerState, T connectionState, Q query, StreamWriter<U> updates) throws Exception;
  }

  /** A function bound to its handler. */
  public record Binding(WorkerFunction function, Object handler) {}

  private final Map<String, Binding> bindings = new LinkedHashMap<>();

  public <Q, R> Implementations<S, T> rpc(Rpc<Q, R> f, RpcHandler<S, T, Q, R> handler) {
    return bind(f, handler);
  }

  public <Q> Implementations<S, T> oneWay(OneWay<Q> f, OneWayHandler<S, T, Q> handler) {
    return bind(f, handler);
  }

  public <Q, R> Implementations<S, T> pipe(Pipe<Q, R> f, PipeHandler<S, T, Q, R> handler) {
    return bind(f, handler);
  }

  public <Q, U, R> Implementations<S, T> reversePipe(
      ReversePipe<Q, U, R> f, ReversePipeHandler<S, T, Q, U, R> handler) {
    return bind(f, handler);
  }

  public <Q, St, U> Implementations<S, T> state(StateRpc<Q, St, U> f, StateHandler<S, T, Q, St, U> handler) {
    return bind(f, handler);
  }

  private Implementations<S, T> bind(WorkerFunction f, Object handler) {
    Objects.requireNonNull(f, "function");
    Objects.requireNonNull(handler, "handler");
    if (f.isClientOnly()) {
      throw new IllegalArgumentException(
          "function '" + f.name() + "' was made by map/contraMap; implement the original handle instead");
    }
    if (bindings.containsKey(f.name())) {
      throw new IllegalArgumentException("duplicate function name '" + f.name() + "' in the implementation table");
    }
    bindings.put(f.name(), new Binding(f, handler));
    return this;
  }

  /** The bindings in the order they were added. */
  public Map<String, Binding> bindings() {
    return Collections.unmodifiableMap(bindings);
  }
}
