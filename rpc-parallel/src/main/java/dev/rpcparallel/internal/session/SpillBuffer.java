package dev.rpcparallel.internal.session;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frame bodies kept in order in one growing array (a length, then the bytes, per frame): a
 * compact queue for the updates a state function writes before its state can be sent. Not
 * thread-safe: its owner locks.
 */
final class SpillBuffer {
  private byte[] bytes = new byte[256];
  private int head;
  private int tail;

  void add(ByteBuffer frame) {
    int n = frame.remaining();
    ensure(4 + n);
    ByteBuffer.wrap(bytes, tail, 4).putInt(n);
    frame.get(bytes, tail + 4, n);
    tail += 4 + n;
  }

  boolean isEmpty() {
    return head == tail;
  }

  /** Removes and returns the oldest frame. */
  byte[] poll() {
    int n = ByteBuffer.wrap(bytes, head, 4).getInt();
    byte[] frame = Arrays.copyOfRange(bytes, head + 4, head + 4 + n);
    head += 4 + n;
    if (head == tail) {
      head = tail = 0;
    }
    return frame;
  }

  private void ensure(int more) {
    if (tail + more <= bytes.length) {
      return;
    }
    int live = tail - head;
    if (head > 0 && live + more <= bytes.length) {
      System.arraycopy(bytes, head, bytes, 0, live); // reuse the space of frames already sent
    } else {
      long grown = Math.max((long) bytes.length * 2, (long) live + more);
      byte[] b = new byte[(int) Math.min(grown, Integer.MAX_VALUE - 8)];
      System.arraycopy(bytes, head, b, 0, live);
      bytes = b;
    }
    tail = live;
    head = 0;
  }
}
