package dev.rpcparallel.internal.session;

import dev.rpcparallel.internal.protocol.ErrorCode;

/**
 * The receiving side of a {@link Link}: a session. Every method is called on the link's thread.
 */
public interface LinkHandler {

  /** The link is up (client side: time to send the preamble). */
  void onConnected();

  /** The peer's 8-byte preamble (servers only, before any frame). */
  void onPreamble(byte[] preamble);

  /**
   * Bytes arrived (called before they are split into frames): proof the peer is alive, even in
   * the middle of a frame too large to arrive within the heartbeat timeout.
   */
  default void onBytes() {}

  /** One frame body (type byte first). */
  void onFrame(byte[] body);

  /** The byte stream violated framing (e.g. a frame over the limit); the link closes after this. */
  void onFramingError(ErrorCode code, String reason);

  /** The link became writable again after it was not (see {@link Link#isWritable()}). */
  default void onWritable() {}

  /** The link closed under us: EOF or a transport error; {@code detail} says which. */
  void onDisconnected(String detail);
}
