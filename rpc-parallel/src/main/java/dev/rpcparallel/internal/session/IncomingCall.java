package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.Codec;

/**
 * One call as its {@link ServerMethod} sees it. {@link #inbound} and {@link #outbound} must be
 * called from {@link ServerMethod#accept} (on the link's thread); the rest from any thread.
 * Replies and failures after the connection closed are dropped silently.
 */
public interface IncomingCall {

  /** The function's name. */
  String name();

  /**
   * Decodes the query.
   *
   * @throws dev.rpcparallel.internal.protocol.WireException {@code DECODE_FAILED}; pass it to
   *     {@link #fail} and the caller gets it as the library's error, not as user code's
   */
  <Q> Q query(Codec<Q> codec);

  /**
   * Answers the call. A value that cannot be encoded, or is too large, fails the call instead.
   *
   * @return whether the value was sent (false: it failed the call, or the connection is closed)
   */
  <R> boolean reply(Codec<R> codec, R value);

  /**
   * Fails the call: a {@code WireException} goes back as the library's error with its code,
   * anything else as an exception thrown by user code.
   *
   * @return whether the reply could be sent, e.g. false after the connection closed
   */
  boolean fail(Throwable error);

  /** Registers the stream this call produces (pipes, state functions). Link thread only. */
  <U> OutboundStream<U> outbound(Codec<U> codec);

  /** Registers the stream this call consumes (reverse pipes). Link thread only. */
  <U> InboundStream<U> inbound(Codec<U> codec);
}
