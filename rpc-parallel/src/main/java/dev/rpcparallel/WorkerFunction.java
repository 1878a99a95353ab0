package dev.rpcparallel;

import dev.rpcparallel.codec.Codec;
import java.util.Objects;
import java.util.function.Function;

/**
 * A named, typed function of a worker: the common base of {@link Rpc}, {@link OneWay}, {@link
 * Pipe}, {@link ReversePipe} and {@link StateRpc}. Handles are immutable values, usually kept in
 * {@code static final} fields of the worker's spec class, shared by master and worker code; the
 * worker binds an implementation to each in {@link WorkerSpec#implement}.
 *
 * <p>A function is typed by its worker type {@code W} (the spec class), inferred from the field
 * it is assigned to, so a {@link Connection Connection&lt;W&gt;} only accepts functions of {@code
 * W}: calling another worker type's function does not compile.
 *
 * <pre>{@code
 * public static final Rpc<SumWorker, Integer, Long> SUM = Rpc.of("sum", Codecs.INT, Codecs.LONG);
 * }</pre>
 *
 * <p>The name is the function's stable identity on the wire (no creation-order counters); its
 * {@link #signature()} (kind plus the shapes of its types) is compared with the worker's when a
 * call is made, so a master and worker built from different versions fail with a clear error
 * instead of decoding garbage. Names starting with {@code "rpc_parallel."} are reserved.
 */
public abstract sealed class WorkerFunction<W extends WorkerSpec<?, ?, ?, ?>> permits Rpc, OneWay, Pipe, ReversePipe, StateRpc {
  private final String name;
  private final boolean clientOnly;

  WorkerFunction(String name, boolean clientOnly) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("function name must not be blank");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("function name has an unpaired surrogate at index " + i);
      }
    }
    if (name.startsWith("rpc_parallel.")) {
      throw new IllegalArgumentException("function names starting with 'rpc_parallel.' are reserved: " + name);
    }
    this.name = name;
    this.clientOnly = clientOnly;
  }

  /** The function's name, its identity on the wire. */
  public final String name() {
    return name;
  }

  /**
   * The kind and type shapes, for example {@code "rpc(i32)->i64"}; equal signatures on both ends
   * mean the call's bytes are understood.
   */
  public abstract String signature();

  /**
   * True for handles made by {@code map}/{@code contraMap}: they adapt values on the calling side
   * only and cannot be implemented.
   */
  public final boolean isClientOnly() {
    return clientOnly;
  }

  @Override
  public String toString() {
    return name + ": " + signature();
  }

  /** A codec whose decode applies {@code f}; encoding is unsupported (client-side adapters only). */
  static <A, B> Codec<B> mappedResult(Codec<A> codec, Function<? super A, ? extends B> f) {
    Objects.requireNonNull(f, "f");
    return Codec.of(
        codec.shape(),
        (b, out) -> {
          throw new UnsupportedOperationException("a mapped function handle cannot be implemented");
        },
        in -> f.apply(codec.decode(in)));
  }

  /** A codec whose encode applies {@code f} first; decoding is unsupported. */
  static <A, B> Codec<B> contraMappedQuery(Codec<A> codec, Function<? super B, ? extends A> f) {
    Objects.requireNonNull(f, "f");
    return Codec.of(
        codec.shape(),
        (b, out) -> codec.encode(f.apply(b), out),
        in -> {
          throw new UnsupportedOperationException("a contra-mapped function handle cannot be implemented");
        });
  }
}
