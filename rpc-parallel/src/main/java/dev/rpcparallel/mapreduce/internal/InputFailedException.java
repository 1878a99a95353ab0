package dev.rpcparallel.mapreduce.internal;

/** The user's function failed on one input; the message names its index (the caller parses nothing). */
public final class InputFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputFailedException(long index, Throwable cause) {
    super("the function failed on input " + index + ": " + cause, cause);
  }
}
