package dev.rpcparallel.internal.session;

import java.time.Duration;

/**
 * The settings a session runs with (the engine derives them from the public {@code RpcSettings}).
 *
 * @param maxMessageSize largest frame body accepted or sent after authentication
 * @param handshakeTimeout how long the handshake may take
 * @param heartbeatInterval how often a heartbeat is sent
 * @param heartbeatTimeout silence after which the connection is closed
 * @param streamWindow bytes a stream may have in flight before its producer waits
 * @param writeBufferLimit bytes queued for sending before producers wait
 * @param readBufferLimit bytes received and not yet taken before the connection stops reading
 * @param maxConcurrentCalls calls a connection may have running on the server
 * @param maxOpenStreams streams a connection may have open
 */
public record SessionConfig(
    long maxMessageSize,
    Duration handshakeTimeout,
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    int streamWindow,
    long writeBufferLimit,
    long readBufferLimit,
    int maxConcurrentCalls,
    int maxOpenStreams) {

  /** A peer must authenticate within this (or the handshake timeout, if shorter). */
  public static final Duration AUTH_TIMEOUT = Duration.ofSeconds(5);

  Duration authTimeout() {
    return handshakeTimeout.compareTo(AUTH_TIMEOUT) < 0 ? handshakeTimeout : AUTH_TIMEOUT;
  }

  /** Heartbeat ticks without receiving anything after which the connection is dead. */
  int missedHeartbeatLimit() {
    long interval = heartbeatInterval.toNanos();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (heartbeatTimeout.toNanos() + interval - 1) / interval));
  }
}
