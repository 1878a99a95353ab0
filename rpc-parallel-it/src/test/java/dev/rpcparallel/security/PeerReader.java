package dev.rpcparallel.security;

import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.internal.protocol.FrameType;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Reads everything a raw peer receives on a background thread, so that what the worker sends
 * never backs up (the attack is then about the peer's sending alone): each frame but heartbeats
 * goes to a consumer on that thread; a CLOSE frame is also kept. Ends at EOF or when the peer's
 * socket is closed; {@link #close()} closes it.
 */
final class PeerReader implements AutoCloseable {
  private final RawPeer peer;
  private final Thread thread;
  private volatile RawPeer.Close close;
  private volatile boolean ended;
  private volatile Throwable failure;

  PeerReader(RawPeer peer, Consumer<RawPeer.Frame> onFrame) throws IOException {
    this.peer = peer;
    peer.setReadTimeout(0); // heartbeats come every 10 s anyway; closing the socket ends the read
    thread = new Thread(() -> {
      try {
        RawPeer.Frame f;
        while ((f = peer.readFrame()) != null) {
          if (f.type() == FrameType.CLOSE) {
            close = RawPeer.close(f);
          } else if (f.type() != FrameType.HEARTBEAT) {
            onFrame.accept(f);
          }
        }
      } catch (IOException e) {
        // the socket was closed
      } catch (Throwable t) {
        failure = t; // the consumer's assertion: rethrown by close()
      } finally {
        ended = true;
      }
    }, "test-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** The CLOSE frame the worker sent, if one came. */
  RawPeer.Close closeFrame() {
    return close;
  }

  /** Whether the connection ended (EOF, or the socket closed). */
  boolean ended() {
    return ended;
  }

  void awaitEnd(Duration timeout) {
    Await.until(timeout, "the connection to end", () -> ended);
  }

  /** Closes the peer's socket, waits for the thread to end and rethrows what the consumer threw. */
  @Override
  public void close() throws IOException, InterruptedException {
    peer.close();
    thread.join(10_000);
    if (failure != null) {
      throw new AssertionError("the frame consumer failed", failure);
    }
  }
}
