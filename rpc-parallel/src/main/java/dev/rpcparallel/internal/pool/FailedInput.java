package dev.rpcparallel.internal.pool;

import dev.rpcparallel.RemoteException;

/**
 * Thrown in a pool worker when the user's function fails on an input: its message is the input's
 * index (digits only) and its cause the function's exception. The master turns it back into
 * what the API says ({@link PoolApi#inputFailed}: the public {@code InputFailedException}) or, for
 * a single task, the function's own exception, so users never see this class.
 */
public final class FailedInput extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FailedInput(long index, Throwable cause) {
    super(Long.toString(index), cause);
  }

  /**
   * What the caller should see for {@code failure} (a failed call of a pool worker): for a
   * {@code FailedInput}, what {@code withIndex} makes of its index ({@link PoolApi#inputFailed}),
   * or (for {@code withIndex} null) the function's own exception; anything else as it is.
   */
  static Throwable unwrap(Throwable failure, PoolApi withIndex) {
    if (failure instanceof RemoteException r && r.remoteClassName().equals(FailedInput.class.getName()) && r.getCause() != null) {
      if (withIndex == null) {
        return r.getCause();
      }
      try {
        return withIndex.inputFailed(Long.parseLong(r.remoteMessage()), r.getCause());
      } catch (NumberFormatException e) {
        return r; // not ours after all
      }
    }
    return failure;
  }
}
