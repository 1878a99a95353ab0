package dev.rpcparallel.internal.core;

import dev.rpcparallel.RpcParallelException;
import dev.rpcparallel.codec.BinaryWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds frames in a {@link BinaryWriter} with 4 bytes reserved for the length. */
final class Frames {
  private Frames() {}

  static final int HEADER = 4;

  static BinaryWriter start(byte type) {
    return start(type, 64);
  }

  static BinaryWriter start(byte type, int capacity) {
    BinaryWriter w = new BinaryWriter(capacity);
    w.writeFixedInt(0);
    w.writeByte(type);
    return w;
  }

  /** Body length of a frame under construction. */
  static int bodyLength(BinaryWriter w) {
    return w.size() - HEADER;
  }

  /**
   * Fills in the length and wraps the bytes without copying.
   *
   * @throws RpcParallelException of kind MESSAGE_TOO_LARGE if the body exceeds {@code max}
   */
  static ByteBuf finish(BinaryWriter w, long max, String what) {
    int body = bodyLength(w);
    if (body > max) {
      throw new RpcParallelException(
          RpcParallelException.Kind.MESSAGE_TOO_LARGE,
          what + " of " + body + " bytes exceeds the maximum message size of " + max + " bytes");
    }
    w.patchFixedInt(0, body);
    return Unpooled.wrappedBuffer(w.array(), 0, w.size());
  }
}
