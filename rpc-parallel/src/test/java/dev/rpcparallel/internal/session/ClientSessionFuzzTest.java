package dev.rpcparallel.internal.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fuzz.Fuzz;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the master's end of a connection, {@link ClientSession}, against a server played by the
 * fuzzer: an impostor before authentication, a worker that refuses or sends a bad menu, a worker
 * answering calls of every kind badly. {@link FuzzClient} checks the invariants.
 *
 * <p>Flags byte: bits 0-1 the stage the fuzzer takes over at (0: right after the client's
 * preamble; 1: after a valid HELLO; 2: after a valid HELLO and AUTH_OK; 3: after OPENED, with an
 * RPC (id 1), a pipe (2), a state function (3), a reverse pipe (4) and a one-way in flight), bit 2
 * raw bytes instead of records, bit 3 a control connection, bits 4-5 how raw bytes are split.
 * Records are as in {@link ServerSessionFuzzTest}.
 */
class ClientSessionFuzzTest {

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void connection(byte[] data) {
    int flags = data.length == 0 ? 0 : data[0] & 0xFF;
    byte[] rest = data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    Fuzz.checkAllocation(() -> connection(flags, rest), data.length, 8 << 20, 1024, "client session");
  }

  private static void connection(int flags, byte[] rest) {
    FuzzClient c = new FuzzClient((flags & 8) != 0);
    int stage = flags & 3;
    if (stage >= 1) {
      c.hello();
    }
    if (stage >= 2 && !c.authOk()) {
      throw new AssertionError("the server's valid proof was refused: " + c.session.closeReason());
    }
    if (stage >= 3) {
      c.feedFrame(FuzzClient.openedFrame());
      if (!c.session.opened().isDone() || c.session.opened().isCompletedExceptionally()) {
        throw new AssertionError("a valid OPENED did not open the connection: " + c.session.closeReason());
      }
      c.callEverything();
    }
    if ((flags & 4) != 0) {
      raw(c, rest, flags >> 4);
    } else {
      records(c, new Fuzz.Cursor(rest));
    }
    c.finish();
  }

  /** Writes the seed corpus: an impostor's and a worker's typical frames at each stage. */
  @Test
  @EnabledIfSystemProperty(named = Fuzz.WRITE_SEEDS, matches = "true")
  void writeSeeds() {
    byte[] hello = Fuzz.concat(Fuzz.b(FrameType.HELLO, Preamble.MAX_VERSION), FuzzClient.SERVER_NONCE);
    byte[] badAuthOk = Fuzz.concat(Fuzz.b(FrameType.AUTH_OK), new byte[32]);
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("impostor-hello-bad-auth-ok", Fuzz.concat(Fuzz.b(0x00), record(hello), record(badAuthOk)));
    seeds.put("impostor-hello-version-1", Fuzz.concat(Fuzz.b(0x00), record(Fuzz.concat(Fuzz.b(FrameType.HELLO, 1), new byte[32]))));
    seeds.put("impostor-short-hello", Fuzz.concat(Fuzz.b(0x00), record(Fuzz.b(FrameType.HELLO, 2, 1))));
    seeds.put("impostor-two-hellos", Fuzz.concat(Fuzz.b(0x00), record(hello), record(hello)));
    seeds.put("impostor-opened-first", Fuzz.concat(Fuzz.b(0x00), record(FuzzClient.openedFrame())));
    seeds.put("impostor-refused-first", Fuzz.concat(Fuzz.b(0x00), record(refusedInfra())));
    seeds.put("impostor-closes-with-its-words", Fuzz.concat(Fuzz.b(0x00),
        record(close(ErrorCode.AUTHENTICATION_FAILED, "wrong key\nERROR forged log line \u00e9\"\\"))));
    seeds.put("impostor-closes-with-internal-error", Fuzz.concat(Fuzz.b(0x01), record(close(ErrorCode.INTERNAL_ERROR, "x"))));
    seeds.put("impostor-handshake-timeout", Fuzz.concat(Fuzz.b(0x01), Fuzz.b(0, 40)));
    seeds.put("impostor-raw", Fuzz.concat(Fuzz.b(0x04), Fuzz.framed(hello), Fuzz.framed(badAuthOk)));
    seeds.put("impostor-raw-header-513", Fuzz.concat(Fuzz.b(0x04), Fuzz.header(513), new byte[8]));
    seeds.put("worker-opened", Fuzz.concat(Fuzz.b(0x02), record(FuzzClient.openedFrame()), Fuzz.b(0, 40)));
    seeds.put("worker-refused", Fuzz.concat(Fuzz.b(0x02), record(refusedInfra())));
    seeds.put("worker-refused-by-user-code", Fuzz.concat(Fuzz.b(0x02), record(refusedRemote())));
    seeds.put("worker-bad-menu", Fuzz.concat(Fuzz.b(0x02), record(Fuzz.b(FrameType.OPENED, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F))));
    seeds.put("worker-heartbeat-in-handshake", Fuzz.concat(Fuzz.b(0x02), record(Fuzz.b(FrameType.HEARTBEAT))));
    seeds.put("worker-second-auth-ok", Fuzz.concat(Fuzz.b(0x02), record(badAuthOk)));
    seeds.put("worker-answers-everything", Fuzz.concat(Fuzz.b(0x03),
        record(ok(1, FuzzServer.STRINGS.toBytes(List.of("x")))),
        record(item(2, Codecs.INT.toBytes(5))), record(item(2, Codecs.INT.toBytes(6))), record(frame(FrameType.END, 2)),
        record(ok(3, Codecs.STRING.toBytes("state"))), record(item(3, Codecs.STRING.toBytes("u"))),
        record(frame(FrameType.END, 3)), record(frame(FrameType.CREDIT, 4, 100)), record(ok(4, Codecs.VOID.toBytes(null))),
        record(Fuzz.b(FrameType.HEARTBEAT)), Fuzz.b(0, 5), record(close(ErrorCode.CLOSED, "bye"))));
    seeds.put("worker-bad-results", Fuzz.concat(Fuzz.b(0x03), record(ok(1, Fuzz.b(7))), record(item(2, Fuzz.b(0xFF))),
        record(ok(3, Fuzz.b())), record(frame(FrameType.ABORT, 4))));
    seeds.put("worker-errors", Fuzz.concat(Fuzz.b(0x03), record(error(1, true)), record(error(2, false)),
        record(error(3, true)), record(error(4, false))));
    seeds.put("worker-credit-overflow", Fuzz.concat(Fuzz.b(0x03), record(frame(FrameType.CREDIT, 4, Long.MAX_VALUE))));
    seeds.put("worker-unknown-ids", Fuzz.concat(Fuzz.b(0x03), record(ok(99, Fuzz.b(0))), record(frame(FrameType.END, 98)),
        record(item(97, Fuzz.b(0)))));
    seeds.put("worker-sends-a-call", Fuzz.concat(Fuzz.b(0x03), record(Fuzz.b(FrameType.CALL, 1, 0, 0))));
    seeds.put("worker-silent", Fuzz.concat(Fuzz.b(0x03), Fuzz.b(0, 60)));
    seeds.put("worker-raw", Fuzz.concat(Fuzz.b(0x07), Fuzz.framed(ok(1, FuzzServer.STRINGS.toBytes(List.of("y")))),
        Fuzz.framed(Fuzz.b(FrameType.HEARTBEAT))));
    seeds.put("worker-raw-header-2e32-1", Fuzz.concat(Fuzz.b(0x07), Fuzz.header(0xFFFF_FFFFL), new byte[8]));
    seeds.put("control-connection", Fuzz.concat(Fuzz.b(0x0B), record(ok(1, FuzzServer.STRINGS.toBytes(List.of())))));
    Fuzz.writeSeeds(ClientSessionFuzzTest.class, "connection", seeds);
  }

  private static void raw(FuzzClient c, byte[] bytes, int split) {
    int at = 0;
    while (at < bytes.length) {
      int n = switch (split & 3) {
        case 0 -> bytes.length;
        case 1 -> 1;
        case 2 -> 5;
        default -> 1 + (bytes[at] & 0x3F);
      };
      n = Math.min(n, bytes.length - at);
      c.feed(Arrays.copyOfRange(bytes, at, at + n));
      at += n;
    }
  }

  private static void records(FuzzClient c, Fuzz.Cursor in) {
    while (in.hasMore()) {
      int n = in.u8();
      if (n == 0) {
        c.advance(in.u8());
      } else {
        c.feedFrame(in.take(n == 255 ? in.u16() : n));
      }
    }
  }

  private static byte[] record(byte[] body) {
    return body.length < 255 ? Fuzz.concat(Fuzz.b(body.length), body) : Fuzz.concat(Fuzz.b(255, body.length >> 8, body.length), body);
  }

  private static byte[] frame(byte type, long... varints) {
    BinaryWriter w = new BinaryWriter().writeByte(type);
    for (long v : varints) {
      w.writeUnsignedVarLong(v);
    }
    return w.toByteArray();
  }

  private static byte[] ok(long id, byte[] value) {
    return Fuzz.concat(frame(FrameType.OK, id), value);
  }

  private static byte[] item(long id, byte[] value) {
    return Fuzz.concat(frame(FrameType.ITEM, id), value);
  }

  private static byte[] error(long id, boolean infra) {
    BinaryWriter w = new BinaryWriter().writeByte(FrameType.ERROR).writeUnsignedVarLong(id);
    if (infra) {
      WireError.writeInfra(ErrorCode.LIMIT_EXCEEDED, "too many", w);
    } else {
      IllegalStateException e = new IllegalStateException("worker side");
      e.setStackTrace(new StackTraceElement[] {new StackTraceElement("W", "m", "W.java", 3)});
      WireError.writeRemote(e, "w", w);
    }
    return w.toByteArray();
  }

  private static byte[] refusedInfra() {
    BinaryWriter w = new BinaryWriter().writeByte(FrameType.REFUSED);
    WireError.writeInfra(ErrorCode.REFUSED, "not today", w);
    return w.toByteArray();
  }

  private static byte[] refusedRemote() {
    BinaryWriter w = new BinaryWriter().writeByte(FrameType.REFUSED);
    IllegalArgumentException e = new IllegalArgumentException("bad connection argument");
    e.setStackTrace(new StackTraceElement[0]);
    WireError.writeRemote(e, "w", w);
    return w.toByteArray();
  }

  private static byte[] close(ErrorCode code, String reason) {
    return new BinaryWriter().writeByte(FrameType.CLOSE).writeUnsignedVarLong(code.wire()).writeString(reason).toByteArray();
  }
}
