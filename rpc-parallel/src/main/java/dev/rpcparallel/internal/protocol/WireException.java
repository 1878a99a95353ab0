package dev.rpcparallel.internal.protocol;

/**
 * An infrastructure failure inside the engine's lower layers, with its {@link ErrorCode}. The
 * engine maps it to the public exception types; nothing below the engine throws those.
 */
public class WireException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public WireException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public WireException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
