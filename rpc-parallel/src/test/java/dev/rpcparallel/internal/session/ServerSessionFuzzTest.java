package dev.rpcparallel.internal.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.fuzz.Fuzz;
import dev.rpcparallel.internal.protocol.Preamble;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

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
