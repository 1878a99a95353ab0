package dev.rpcparallel.internal.protocol;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;

/**
 * The error part of ERROR and REFUSED frames: either an exception thrown by user code (class
 * name, message, stack, cause chain, worker) or an infrastructure failure (an {@link ErrorCode}
 * and a message). Built from strings only; decoding yields a {@link RemoteFailure} or a {@link
 * WireException}.
 */
public final class WireError {
  private WireError() {}

  private static final int REMOTE = 0;
  private static final int INFRA = 1;
  private static final int MAX_FRAMES = 256;
  private static final int MAX_CAUSES = 8;

  public static void writeRemote(Throwable t, String worker, BinaryWriter out) {
    out.writeByte(REMOTE);
    writeThrowable(t, worker, out, 0);
  }

  public static void writeInfra(ErrorCode code, String message, BinaryWriter out) {
    out.writeByte(INFRA);
    out.writeUnsignedVarLong(code.wire());
    out.writeString(Texts.safe(message));
  }

  private static void writeThrowable(Throwable t, String worker, BinaryWriter out, int depth) {
    String className = t instanceof RemoteFailure r ? r.className() : t.getClass().getName();
    String msg = t instanceof RemoteFailure r ? r.remoteMessage() : t.getMessage();
    out.writeString(Texts.safe(className));
    out.writeBoolean(msg != null);
    if (msg != null) {
      out.writeString(Texts.safe(msg));
    }
    out.writeString(Texts.safe(worker));
    StackTraceElement[] st = t instanceof RemoteFailure r ? r.stack() : t.getStackTrace();
    int n = Math.min(st.length, MAX_FRAMES);
    out.writeLength(n);
    for (int i = 0; i < n; i++) {
      StackTraceElement e = st[i];
      out.writeString(Texts.safe(e.getClassName()));
      out.writeString(Texts.safe(e.getMethodName()));
      out.writeString(e.getFileName() == null ? "" : Texts.safe(e.getFileName()));
      out.writeVarInt(e.getLineNumber());
    }
    Throwable cause = t instanceof RemoteFailure r ? r.remoteCause() : t.getCause();
    boolean more = cause != null && cause != t && depth + 1 < MAX_CAUSES;
    out.writeBoolean(more);
    if (more) {
      writeThrowable(cause, worker, out, depth + 1);
    }
  }

  /** Decodes an error into what the caller should see: a {@link RemoteFailure} or a {@link WireException}. */
  public static RuntimeException read(BinaryReader in) {
    int tag = in.readByte();
    if (tag == REMOTE) {
      return readThrowable(in, 0);
    }
    if (tag == INFRA) {
      ErrorCode code = ErrorCode.fromWire(in.readUnsignedVarLong());
      return new WireException(code, in.readString());
    }
    throw in.error("error", "unknown error tag " + tag);
  }

  private static RemoteFailure readThrowable(BinaryReader in, int depth) {
    if (depth >= MAX_CAUSES) {
      throw in.error("error", "cause chain deeper than " + MAX_CAUSES);
    }
    String cls = in.readString();
    String msg = in.readBoolean() ? in.readString() : null;
    String worker = in.readString();
    int n = in.readLength(4);
    if (n > MAX_FRAMES) {
      throw in.error("error", "stack of " + n + " frames exceeds " + MAX_FRAMES);
    }
    StackTraceElement[] st = new StackTraceElement[n];
    for (int i = 0; i < n; i++) {
      String c = in.readString();
      String m = in.readString();
      String f = in.readString();
      int line = in.readVarInt();
      st[i] = new StackTraceElement(c, m, f.isEmpty() ? null : f, line);
    }
    RemoteFailure cause = in.readBoolean() ? readThrowable(in, depth + 1) : null;
    return new RemoteFailure(cls, msg, worker, st, cause);
  }
}
