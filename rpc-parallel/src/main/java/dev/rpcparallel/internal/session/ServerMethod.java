package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.FunctionKind;

/**
 * A function implemented on this side, bound to its worker and connection state. The session
 * calls {@link #accept} on the link's thread when a call arrives; the method registers the
 * streams it needs there (so items that follow the call are not lost) and returns the work to run
 * off the link's thread.
 */
public interface ServerMethod {
  /** The function's name, for messages. */
  String name();

  FunctionKind kind();

  /** Link thread: prepares {@code call}; the returned task runs the handler (on a handler thread). */
  Runnable accept(IncomingCall call);

  /**
   * Whether the work runs on the connection's link thread as soon as the call arrives (an rpc
   * bound with {@code Implementations.directRpc}), rather than on a handler thread.
   */
  default boolean direct() {
    return false;
  }
}
