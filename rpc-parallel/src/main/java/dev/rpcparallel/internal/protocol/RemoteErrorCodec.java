package dev.rpcparallel.internal.protocol;

import dev.rpcparallel.codec.Codec;

/** A {@link Throwable} on the wire as {@link WireError} text; decodes to the caller-side exception. */
public final class RemoteErrorCodec {
  private RemoteErrorCodec() {}

  /** Encodes a throwable raised in {@code worker}. */
  public static Codec<Throwable> forWorker(String worker) {
    return Codec.of("remote_error", (t, out) -> WireError.writeRemote(t, worker, out), in -> WireError.read(in));
  }

  /** Decoding only (encoding names the worker "unknown"). */
  public static final Codec<Throwable> CODEC = forWorker("unknown");
}
