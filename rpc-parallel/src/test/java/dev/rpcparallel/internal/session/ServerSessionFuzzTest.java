package dev.rpcparallel.internal.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.fuzz.Fuzz;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.internal.protocol.WireError;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes a worker's {@link ServerSession} as a hostile client would reach it: raw bytes from the
 * first byte on, frames after a valid preamble, frames after a real authentication, and frames on
 * an open connection with functions of every kind. {@link FuzzServer} checks the invariants.
 *
 * <p>Inputs start with a flags byte. "Records" mode reads the rest as a sequence of records: a
 * length byte {@code n} then {@code n} bytes sent as one well-formed frame ({@code n == 255}: a
 * 2-byte length follows; {@code n == 0}: the next byte is a number of seconds to let pass, which
 * runs the timers). "Raw" mode sends the rest as it is, split into reads by bits of the flags.
 */
class ServerSessionFuzzTest {
  private static final long ALLOCATION_BASE = 8 << 20;
  private static final long ALLOCATION_PER_BYTE = 1024;

  /**
   * Flags: bits 0-1 the stage (0: raw bytes including the preamble; 1: a valid preamble, then
   * raw bytes; 2: a valid preamble and AUTH, then records; 3: a valid preamble, then records),
   * bit 2 a one-second delay before an authentication failure closes, bit 3 authenticate with an
   * expired credential, bits 4-5 how raw bytes are split into reads.
   */
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void handshake(byte[] data) {
    Fuzz.Cursor in = new Fuzz.Cursor(data);
    int flags = in.u8();
    byte[] rest = in.rest();
    Fuzz.checkAllocation(() -> handshake(flags, rest), data.length, ALLOCATION_BASE, ALLOCATION_PER_BYTE, "server session");
  }

  private static void handshake(int flags, byte[] rest) {
    Fuzz.Cursor in = new Fuzz.Cursor(rest);
    FuzzServer s = new FuzzServer((flags & 4) != 0 ? Duration.ofSeconds(1) : Duration.ZERO);
    switch (flags & 3) {
      case 0 -> raw(s, in.rest(), flags >> 4);
      case 1 -> {
        s.feed(Preamble.clientPreamble());
        raw(s, in.rest(), flags >> 4);
      }
      case 2 -> {
        boolean expired = (flags & 8) != 0;
        if (s.authenticate(expired ? FuzzServer.EXPIRED : FuzzServer.TERMS) == expired) {
          throw new AssertionError(expired ? "an expired credential was accepted" : "a valid AUTH was refused");
        }
        records(s, in);
      }
      default -> {
        s.feed(Preamble.clientPreamble());
        records(s, in);
      }
    }
    s.finish();
  }

  /**
   * A connection opened with a real handshake (the test credential), then the rest of the input.
   * Flags: bit 0 a control connection (no function reachable), bit 1 the acceptor refuses the
   * connection, bit 2 raw mode instead of records, bits 4-5 how raw bytes are split.
   */
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void openConnection(byte[] data) {
    Fuzz.Cursor in = new Fuzz.Cursor(data);
    int flags = in.u8();
    byte[] rest = in.rest();
    Fuzz.checkAllocation(() -> openConnection(flags, rest), data.length, ALLOCATION_BASE, ALLOCATION_PER_BYTE, "open session");
  }

  private static void openConnection(int flags, byte[] rest) {
    Fuzz.Cursor in = new Fuzz.Cursor(rest);
    boolean refused = (flags & 2) != 0;
    FuzzServer s = new FuzzServer(Duration.ZERO);
    if (!s.authenticate(FuzzServer.TERMS)) {
      throw new AssertionError("a valid AUTH was refused");
    }
    s.open((refused ? "X" : "arg").getBytes(StandardCharsets.US_ASCII), (flags & 1) != 0);
    if (s.session.isOpen() == refused) {
      throw new AssertionError(refused ? "a refused connection is open" : "a valid OPEN did not open the connection: "
          + s.session.closeReason());
    }
    if ((flags & 4) != 0) {
      raw(s, in.rest(), flags >> 4);
    } else {
      records(s, in);
    }
    s.finish();
  }

  /** Writes the seed corpus: valid exchanges for every stage and function, and typical violations. */
  @Test
  @EnabledIfSystemProperty(named = Fuzz.WRITE_SEEDS, matches = "true")
  void writeSeeds() {
    byte[] preamble = Preamble.clientPreamble();
    byte[] badProofAuth = Fuzz.concat(Fuzz.b(FrameType.AUTH), new byte[32], uuid(FuzzServer.WORKER), Fuzz.b(0, 0), new byte[32]);
    Map<String, byte[]> hs = new LinkedHashMap<>();
    hs.put("raw-preamble-and-bad-auth", Fuzz.concat(Fuzz.b(0x00), preamble, Fuzz.framed(badProofAuth)));
    hs.put("raw-preamble-and-bad-auth-byte-by-byte", Fuzz.concat(Fuzz.b(0x10), preamble, Fuzz.framed(badProofAuth)));
    hs.put("raw-bad-magic", Fuzz.concat(Fuzz.b(0x00), "RPCPAX".getBytes(StandardCharsets.US_ASCII), Fuzz.b(2, 2)));
    hs.put("raw-version-1-only", Fuzz.concat(Fuzz.b(0x00), "RPCPAR".getBytes(StandardCharsets.US_ASCII), Fuzz.b(1, 1)));
    hs.put("raw-second-preamble", Fuzz.concat(Fuzz.b(0x01), preamble));
    hs.put("raw-header-513-before-auth", Fuzz.concat(Fuzz.b(0x01), Fuzz.header(513), new byte[8]));
    hs.put("raw-header-0", Fuzz.concat(Fuzz.b(0x01), Fuzz.header(0)));
    hs.put("raw-header-2e32-1", Fuzz.concat(Fuzz.b(0x31), Fuzz.header(0xFFFF_FFFFL), new byte[8]));
    hs.put("raw-call-before-auth", Fuzz.concat(Fuzz.b(0x01), Fuzz.framed(Fuzz.b(FrameType.CALL, 1, 0))));
    hs.put("raw-close-before-auth", Fuzz.concat(Fuzz.b(0x01), Fuzz.framed(close(ErrorCode.CLOSED, "bye"))));
    hs.put("raw-truncated-close", Fuzz.concat(Fuzz.b(0x01), Fuzz.framed(Fuzz.b(FrameType.CLOSE, 0, 5, 'a'))));
    hs.put("records-open-then-call", Fuzz.concat(Fuzz.b(0x02), record(open(FuzzServer.WORKER, "arg", false)),
        record(call(1, 0, FuzzServer.STRINGS.toBytes(List.of("a"))))));
    hs.put("records-open-another-worker", Fuzz.concat(Fuzz.b(0x02), record(open(new UUID(1, 2), "arg", false))));
    hs.put("records-open-refused", Fuzz.concat(Fuzz.b(0x02), record(open(FuzzServer.WORKER, "X", false))));
    hs.put("records-second-auth", Fuzz.concat(Fuzz.b(0x02), record(badProofAuth)));
    hs.put("records-handshake-timeout", Fuzz.concat(Fuzz.b(0x02), Fuzz.b(0, 40)));
    hs.put("records-expired-credential", Fuzz.concat(Fuzz.b(0x0A), record(open(FuzzServer.WORKER, "arg", false))));
    hs.put("records-expired-credential-delayed-close", Fuzz.concat(Fuzz.b(0x0E), record(Fuzz.b(FrameType.HEARTBEAT)),
        Fuzz.b(0, 2)));
    hs.put("records-bad-auth", Fuzz.concat(Fuzz.b(0x03), record(badProofAuth)));
    hs.put("records-bad-auth-delayed-close", Fuzz.concat(Fuzz.b(0x07), record(badProofAuth), record(badProofAuth),
        Fuzz.b(0, 3)));
    hs.put("records-authentication-timeout", Fuzz.concat(Fuzz.b(0x03), Fuzz.b(0, 10)));
    Fuzz.writeSeeds(ServerSessionFuzzTest.class, "handshake", hs);

    byte[] echo = call(1, 0, FuzzServer.STRINGS.toBytes(List.of("a", "b")));
    byte[] entry = call(2, 1, FuzzServer.ENTRY.toBytes(new FuzzServer.Entry("e", Map.of("k", Optional.of(1)),
        List.of(FuzzServer.WORKER), Optional.of(new FuzzServer.Entry("f", Map.of(), List.of(), Optional.empty())))));
    byte[] pipe = call(3, 2, Codecs.INT.toBytes(3));
    byte[] state = call(4, 3, Codecs.STRING.toBytes("s"));
    byte[] reverse = call(5, 4, Codecs.VOID.toBytes(null));
    Map<String, byte[]> open = new LinkedHashMap<>();
    open.put("every-function", Fuzz.concat(Fuzz.b(0x00), record(echo), record(entry), record(pipe),
        record(frame(FrameType.CREDIT, 3, 10)), record(frame(FrameType.ABORT, 3)), record(state), record(reverse),
        record(item(5, Codecs.STRING.toBytes("x"))), record(frame(FrameType.END, 5)), record(call(6, 4, Codecs.VOID.toBytes(null))),
        record(error(6)), record(oneWay(5, Codecs.STRING.toBytes("hi"))), record(call(7, 6, Codecs.VOID.toBytes(null))),
        record(call(8, 7, Codecs.VOID.toBytes(null))), record(Fuzz.b(FrameType.HEARTBEAT)), Fuzz.b(0, 5),
        record(close(ErrorCode.CLOSED, "bye"))));
    open.put("echo", Fuzz.concat(Fuzz.b(0x00), record(echo)));
    open.put("record", Fuzz.concat(Fuzz.b(0x00), record(entry)));
    open.put("pipe-credit-abort", Fuzz.concat(Fuzz.b(0x00), record(pipe), record(frame(FrameType.CREDIT, 3, 100)),
        record(frame(FrameType.ABORT, 3))));
    open.put("pipe-credit-overflow", Fuzz.concat(Fuzz.b(0x00), record(pipe), record(frame(FrameType.CREDIT, 3, Long.MAX_VALUE))));
    open.put("state", Fuzz.concat(Fuzz.b(0x00), record(state)));
    open.put("reverse-items-end", Fuzz.concat(Fuzz.b(0x00), record(reverse), record(item(5, Codecs.STRING.toBytes("x"))),
        record(item(5, Fuzz.b(0xFF))), record(frame(FrameType.END, 5))));
    open.put("reverse-error", Fuzz.concat(Fuzz.b(0x00), record(reverse), record(error(5))));
    open.put("oneway", Fuzz.concat(Fuzz.b(0x00), record(oneWay(5, Codecs.STRING.toBytes("hi")))));
    open.put("oneway-bad-query", Fuzz.concat(Fuzz.b(0x00), record(oneWay(5, Fuzz.b(9)))));
    open.put("oneway-to-a-call", Fuzz.concat(Fuzz.b(0x00), record(oneWay(0, Fuzz.b(0)))));
    open.put("call-to-a-one-way", Fuzz.concat(Fuzz.b(0x00), record(call(1, 5, Fuzz.b(0)))));
    open.put("unknown-function", Fuzz.concat(Fuzz.b(0x00), record(call(1, 99, Fuzz.b(0)))));
    open.put("duplicate-call-id", Fuzz.concat(Fuzz.b(0x00), record(reverse), record(reverse)));
    open.put("too-many-streams", Fuzz.concat(Fuzz.b(0x00), record(call(1, 4, Fuzz.b(0))), record(call(2, 4, Fuzz.b(0))),
        record(call(3, 4, Fuzz.b(0))), record(call(4, 4, Fuzz.b(0))), record(call(5, 4, Fuzz.b(0)))));
    open.put("fails-and-big", Fuzz.concat(Fuzz.b(0x00), record(call(7, 6, Fuzz.b(0))), record(call(8, 7, Fuzz.b(0)))));
    open.put("ok-from-the-client", Fuzz.concat(Fuzz.b(0x00), record(frame(FrameType.OK, 1))));
    open.put("unknown-frame-type", Fuzz.concat(Fuzz.b(0x00), record(Fuzz.b(0x42))));
    open.put("heartbeat-then-silence", Fuzz.concat(Fuzz.b(0x00), record(Fuzz.b(FrameType.HEARTBEAT)), Fuzz.b(0, 60)));
    open.put("close-with-internal-error-code", Fuzz.concat(Fuzz.b(0x00), record(close(ErrorCode.INTERNAL_ERROR, "x"))));
    open.put("control-connection", Fuzz.concat(Fuzz.b(0x01), record(echo)));
    open.put("refused", Fuzz.concat(Fuzz.b(0x02), record(echo)));
    open.put("raw-frames", Fuzz.concat(Fuzz.b(0x04), Fuzz.framed(echo), Fuzz.framed(pipe), Fuzz.framed(Fuzz.b(FrameType.HEARTBEAT))));
    open.put("raw-frames-byte-by-byte", Fuzz.concat(Fuzz.b(0x14), Fuzz.framed(echo), Fuzz.framed(reverse)));
    open.put("raw-header-over-the-limit", Fuzz.concat(Fuzz.b(0x04), Fuzz.header(FuzzServer.MAX_MESSAGE + 1), new byte[16]));
    open.put("raw-header-at-the-limit", Fuzz.concat(Fuzz.b(0x04), Fuzz.header(FuzzServer.MAX_MESSAGE), new byte[16]));
    open.put("raw-header-2e31-1", Fuzz.concat(Fuzz.b(0x04), Fuzz.header(Integer.MAX_VALUE), new byte[16]));
    Fuzz.writeSeeds(ServerSessionFuzzTest.class, "openConnection", open);
  }

  private static byte[] record(byte[] body) {
    return body.length < 255 ? Fuzz.concat(Fuzz.b(body.length), body) : Fuzz.concat(Fuzz.b(255, body.length >> 8, body.length), body);
  }

  private static byte[] uuid(UUID id) {
    return new BinaryWriter().writeFixedLong(id.getMostSignificantBits()).writeFixedLong(id.getLeastSignificantBits()).toByteArray();
  }

  private static byte[] open(UUID worker, String arg, boolean control) {
    return Fuzz.concat(Fuzz.b(FrameType.OPEN), uuid(worker),
        new BinaryWriter().writeBytes(arg.getBytes(StandardCharsets.US_ASCII)).writeBoolean(control).toByteArray());
  }

  /** A frame of {@code type} with unsigned varints. */
  private static byte[] frame(byte type, long... varints) {
    BinaryWriter w = new BinaryWriter().writeByte(type);
    for (long v : varints) {
      w.writeUnsignedVarLong(v);
    }
    return w.toByteArray();
  }

  private static byte[] call(long id, int index, byte[] query) {
    return Fuzz.concat(frame(FrameType.CALL, id, index), query);
  }

  private static byte[] oneWay(int index, byte[] query) {
    return Fuzz.concat(frame(FrameType.ONE_WAY, index), query);
  }

  private static byte[] item(long id, byte[] value) {
    return Fuzz.concat(frame(FrameType.ITEM, id), value);
  }

  private static byte[] error(long id) {
    BinaryWriter w = new BinaryWriter().writeByte(FrameType.ERROR).writeUnsignedVarLong(id);
    IllegalStateException e = new IllegalStateException("client side");
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement("C", "m", "C.java", 1)});
    WireError.writeRemote(e, "client", w);
    return w.toByteArray();
  }

  private static byte[] close(ErrorCode code, String reason) {
    return new BinaryWriter().writeByte(FrameType.CLOSE).writeUnsignedVarLong(code.wire()).writeString(reason).toByteArray();
  }

  private static void raw(FuzzServer s, byte[] bytes, int split) {
    int at = 0;
    while (at < bytes.length) {
      int n = switch (split & 3) {
        case 0 -> bytes.length;
        case 1 -> 1;
        case 2 -> 5;
        default -> 1 + (bytes[at] & 0x3F);
      };
      n = Math.min(n, bytes.length - at);
      s.feed(java.util.Arrays.copyOfRange(bytes, at, at + n));
      at += n;
    }
  }

  private static void records(FuzzServer s, Fuzz.Cursor in) {
    while (in.hasMore()) {
      int n = in.u8();
      if (n == 0) {
        s.advance(in.u8());
      } else {
        s.feedFrame(in.take(n == 255 ? in.u16() : n));
      }
    }
  }
}
