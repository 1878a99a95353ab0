package dev.rpcparallel.mapreduce;

import dev.rpcparallel.RemoteException;

/**
 * A job failed because the function threw on one of its inputs. {@link #index()} is the input's
 * position (from 0) and {@link #getCause()} the function's exception as rebuilt from the worker
 * (its {@link RemoteException#remoteClassName()} is the class the function threw).
 */
public final class InputFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The position of the input the function failed on, from 0. */
  private final long index;

  /**
   * @param index the input's position, from 0
   * @param cause the function's exception, as rebuilt from the worker
   */
  public InputFailedException(long index, RemoteException cause) {
    super("the function failed on input " + index + ": " + cause.getMessage(), cause);
    this.index = index;
  }

  /** The position of the input the function failed on, from 0. */
  public long index() {
    return index;
  }

  /** The function's exception, as rebuilt from the worker. */
  @Override
  public synchronized RemoteException getCause() {
    return (RemoteException) super.getCause();
  }
}
