package dev.rpcparallel.internal.session;

import dev.rpcparallel.codec.BinaryWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a session needs from the byte pipe under it: send frames, close, run timers and tasks on
 * the link's own thread. The Netty adapter is one implementation (timers on the channel's event
 * loop), {@link InMemoryLink} another (timers on an injected scheduler, e.g. a fake clock).
 *
 * <p>Events from the link ({@link LinkHandler}) and tasks given to {@link #execute} and {@link
 * #schedule} run one at a time on the link's thread, never concurrently with each other.
 * {@link #send} may be called from any thread; frames are written in the order sent.
 */
public interface Link {

  /** Sends the 8-byte preamble, unframed (clients, first thing). */
  void sendPreamble(byte[] preamble);

  /**
   * Sends one frame body; the link adds the length. {@code written} (may be null) completes once
   * the frame is handed to the operating system, or fails if the link closes first.
   */
  void send(BinaryWriter frameBody, CompletableFuture<Void> written);

  /**
   * Sets how many bytes may be queued for sending before {@link #awaitWritable()} makes producers
   * wait. Called once, by the session, before the link is connected.
   */
  void limitWriteBuffer(long bytes);

  /**
   * Waits while more than the write-buffer limit is queued for sending; returns at once on the
   * link's own thread (which must never block) and once the link is closed.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void awaitWritable() throws InterruptedException;

  /** Whether less than the write-buffer limit is queued (a producer would not wait now). */
  boolean isWritable();

  /**
   * Stops ({@code true}) or resumes reading from the peer: while stopped, nothing more is read
   * from the socket (the peer's sends back up in TCP), though frames already read may still be
   * delivered. Called on the link's thread.
   */
  void pauseReading(boolean paused);

  /** Frames from the peer may now be up to {@code maxFrame} bytes (after authentication). */
  void trust(long maxFrame);

  /** Closes the link once the frames already sent are flushed. Idempotent. */
  void close();

  /** Runs {@code task} on the link's thread. */
  void execute(Runnable task);

  /** Runs {@code task} on the link's thread after {@code delay}; returns a handle to cancel it. */
  Timer schedule(Runnable task, Duration delay);

  /**
   * From the next event on, events go to {@code next} instead of the current handler: a session
   * hands the link over to another (see {@link Session#handOver}). Called on the link's thread.
   */
  void replaceHandler(LinkHandler next);

  /** The peer's address, for messages, e.g. {@code "127.0.0.1:51234"}. */
  String remoteAddress();

  /** A scheduled task. */
  interface Timer {
    /** Stops the task if it has not run yet. Idempotent. */
    void cancel();
  }
}
