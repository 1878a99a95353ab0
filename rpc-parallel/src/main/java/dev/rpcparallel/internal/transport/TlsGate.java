package dev.rpcparallel.internal.transport;

import dev.rpcparallel.internal.concurrent.RateLimitedLog;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.Link;
import dev.rpcparallel.internal.session.LinkHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.LoggerFactory;

/**
 * Holds a TLS connection's link back until the TLS handshake succeeded. The pipeline starts as
 * {@code SslHandler, TlsGate}; on success the gate puts the {@link NettyLink} (and its session)
 * after itself, passes it {@code channelActive} (the session starts: a client sends its preamble,
 * so the HMAC handshake runs inside TLS), and leaves the pipeline. On failure (a bad or missing
 * certificate, a peer that does not speak TLS, the handshake timeout, the connection closing) no
 * session is ever made: the channel closes, an outgoing connection's future fails with a {@link
 * WireException} of code {@code CONNECT_FAILED} ("TLS handshake with host:port failed: reason"),
 * and a listener reports the refusal (by default a WARN log, at most 10 a minute). Event loop only.
 */
final class TlsGate extends ChannelInboundHandlerAdapter {
  private static final RateLimitedLog REFUSALS = new RateLimitedLog(LoggerFactory.getLogger(TlsGate.class), Runnable::run, 10);

  /** The default report of refused connections: WARN, at most 10 a minute. */
  static final Consumer<String> LOG_REFUSALS = REFUSALS::warn;
  /** Reasons are cut here: some (a non-TLS record) quote the peer's bytes. */
  private static final int MAX_REASON = 200;

  private final boolean server;
  private final Function<Link, LinkHandler> sessions;
  private final CompletableFuture<Void> connected;
  private final Consumer<String> refusals;
  private final String peer;
  private boolean done;
  /** The listener's bound on connections in their handshake (servers only). */
  private TlsHandshakeLimit limit;

  private TlsGate(boolean server, Function<Link, LinkHandler> sessions, CompletableFuture<Void> connected,
      Consumer<String> refusals, String peer) {
    this.server = server;
    this.sessions = sessions;
    this.connected = connected;
    this.refusals = refusals;
    this.peer = peer;
  }

  /**
   * Puts TLS at the start of a new server channel's pipeline; {@code sessions} is applied once the
   * handshake succeeded, {@code refusals} is told if it failed.
   */
  static void installServer(Channel ch, SslContext context, long handshakeTimeoutMillis, Function<Link, LinkHandler> sessions,
      Consumer<String> refusals, TlsHandshakeLimit limit) {
    TlsGate gate = new TlsGate(true, sessions, null, refusals, null);
    gate.limit = limit;
    install(ch, context, handshakeTimeoutMillis, gate);
  }

  /**
   * Puts TLS at the start of a new client channel's pipeline; {@code connected} completes once the
   * handshake with {@code peer} (host:port, for messages) succeeded and the session was made.
   */
  static void installClient(Channel ch, SslContext context, long handshakeTimeoutMillis, Function<Link, LinkHandler> session,
      CompletableFuture<Void> connected, String peer) {
    install(ch, context, handshakeTimeoutMillis, new TlsGate(false, session, connected, null, peer));
  }

  private static void install(Channel ch, SslContext context, long handshakeTimeoutMillis, TlsGate gate) {
    // No peer host for the engine: no SNI, no session resumption, so every connection is a full
    // handshake in which the peer proves it holds the pinned certificate's key.
    SslHandler ssl = context.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
    ch.pipeline().addLast(ssl, gate);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Not passed on: the link is not there yet, and gets its channelActive after the handshake.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e) {
      if (limit != null) {
        limit.ended(ctx.channel()); // authenticated by TLS: from now on the session's own limits apply
      }
      if (e.isSuccess()) {
        open(ctx);
      } else {
        fail(ctx, e.cause());
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void open(ChannelHandlerContext ctx) {
    if (done) {
      return;
    }
    done = true;
    try {
      NettyLink.install(ctx.channel(), server, sessions);
    } catch (RuntimeException e) {
      done = false;
      fail(ctx, e);
      return;
    }
    ctx.fireChannelActive(); // reaches the link only: the session starts
    ctx.pipeline().remove(this);
    if (connected != null) {
      connected.complete(null);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg); // SslHandler passes no data before the handshake: never happens
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(ctx, new ClosedChannelException());
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    String who = peer != null ? peer : String.valueOf(ctx.channel().remoteAddress()).replaceFirst("^/", "");
    String message = "TLS handshake with " + who + " failed: " + reason(cause);
    if (connected != null) {
      connected.completeExceptionally(new WireException(ErrorCode.CONNECT_FAILED, message, cause));
    } else {
      refusals.accept("refused a connection: " + message);
    }
    ctx.close();
  }

  /** Whether {@code cause} comes from TLS (an {@link SSLException} somewhere in its chain). */
  static boolean isTls(Throwable cause) {
    return tlsCause(cause) != null;
  }

  /**
   * A short reason for a failure: the message of the {@link SSLException} in its chain if any
   * (e.g. "Received fatal alert: bad_certificate"), else of its root cause; at most 200 chars.
   */
  static String reason(Throwable cause) {
    Throwable t = tlsCause(cause);
    if (t == null) {
      t = cause;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
    }
    String m = t instanceof ClosedChannelException
        ? "the connection closed during the handshake" // e.g. a peer that does not speak TLS hung up
        : t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return m.length() <= MAX_REASON ? m : m.substring(0, MAX_REASON) + "...";
  }

  private static SSLException tlsCause(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException s) {
        return s;
      }
    }
    return null;
  }
}
