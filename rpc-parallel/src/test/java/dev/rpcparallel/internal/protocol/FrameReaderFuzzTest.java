package dev.rpcparallel.internal.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rpcparallel.fuzz.Fuzz;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes {@link FrameReader} against a straightforward model of the framing: whatever the bytes
 * and however they are split into reads, the reader delivers exactly the model's preamble and
 * frames, fails with the model's {@link FrameReader.FramingException} code and nothing else, and
 * allocates in proportion to what arrived (plus one initial frame buffer).
 *
 * <p>Input: a flags byte (preamble expected or not, the limit before and after {@code trust},
 * whether the first frame triggers {@code trust}, how reads are split), then the byte stream.
 */
class FrameReaderFuzzTest {
  private static final long[] LIMITS = {Preamble.HANDSHAKE_FRAME_LIMIT, 1024, 1 << 20, Integer.MAX_VALUE - 64};
  /** After {@code trust}: RpcSettings' largest maxMessageSize, and larger longs the API accepts. */
  private static final long[] TRUSTED_LIMITS = {1 << 20, Integer.MAX_VALUE - 64, 0xFFFF_FFFFL, Long.MAX_VALUE};

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void frames(byte[] data) {
    Fuzz.Cursor in = new Fuzz.Cursor(data);
    int flags = in.u8();
    boolean expectPreamble = (flags & 1) != 0;
    long limit = LIMITS[(flags >> 1) & 3];
    boolean trustAfterFirstFrame = (flags & 8) != 0;
    long trusted = TRUSTED_LIMITS[(flags >> 4) & 3];
    int split = (flags >> 6) & 3;
    byte[] stream = in.rest();

    Model expected = Model.parse(stream, expectPreamble, limit, trustAfterFirstFrame, trusted);

    List<byte[]> frames = new ArrayList<>();
    byte[][] preamble = new byte[1][];
    FrameReader[] reader = new FrameReader[1];
    ErrorCode[] failure = new ErrorCode[1];
    // Frame buffers start at up to 1 MiB (trusted) or 64 KiB and then grow only as bytes arrive.
    Fuzz.checkAllocation(() -> {
      frames.clear();
      preamble[0] = null;
      reader[0] = new FrameReader(new FrameReader.Sink() {
        @Override
        public void onPreamble(byte[] p) {
          if (preamble[0] != null) {
            throw new AssertionError("second preamble");
          }
          preamble[0] = p;
        }

        @Override
        public void onFrame(byte[] body) {
          frames.add(body);
          if (trustAfterFirstFrame && frames.size() == 1) {
            reader[0].trust(trusted);
          }
        }
      }, expectPreamble, limit);
      failure[0] = feed(reader[0], stream, split);
    }, stream.length, (1 << 20) + (64 << 10) + (64 << 10), 16, "FrameReader");
    ErrorCode failed = failure[0];

    if (!Arrays.equals(preamble[0], expected.preamble)) {
      throw new AssertionError("preamble " + Arrays.toString(preamble[0]) + ", model " + Arrays.toString(expected.preamble));
    }
    if (frames.size() != expected.frames.size()) {
      throw new AssertionError(frames.size() + " frames, model " + expected.frames.size());
    }
    for (int i = 0; i < frames.size(); i++) {
      if (!Arrays.equals(frames.get(i), expected.frames.get(i))) {
        throw new AssertionError("frame " + i + " differs from the model");
      }
    }
    if (failed != expected.error) {
      throw new AssertionError("failed with " + failed + ", model " + expected.error);
    }
    if (failed == null && (reader[0].partialFrameAtEof() != null) != expected.partial) {
      throw new AssertionError("partialFrameAtEof " + reader[0].partialFrameAtEof() + ", model partial=" + expected.partial);
    }
  }

  /** Writes the seed corpus (valid streams and length fields at their edges). */
  @Test
  @EnabledIfSystemProperty(named = Fuzz.WRITE_SEEDS, matches = "true")
  void writeSeeds() {
    byte[] hello = Fuzz.concat(Fuzz.b(FrameType.HELLO, 2), new byte[32]);
    byte[] stream = Fuzz.concat(Preamble.clientPreamble(), Fuzz.framed(hello), Fuzz.framed(Fuzz.b(FrameType.HEARTBEAT)),
        Fuzz.framed(new byte[300]));
    Map<String, byte[]> seeds = new LinkedHashMap<>();
    seeds.put("preamble-and-frames", Fuzz.concat(Fuzz.b(0x01), stream));
    seeds.put("preamble-and-frames-byte-by-byte", Fuzz.concat(Fuzz.b(0x41), stream));
    seeds.put("preamble-and-frames-uneven-reads", Fuzz.concat(Fuzz.b(0xC1), stream));
    seeds.put("frames-trusted-after-the-first", Fuzz.concat(Fuzz.b(0x18), Fuzz.framed(hello), Fuzz.framed(new byte[600])));
    long[] edges = {0, 1, 512, 513, 1024, 1025, 1 << 20, (1 << 20) + 1, Integer.MAX_VALUE - 64, Integer.MAX_VALUE,
        0x8000_0000L, 0xFFFF_FFFFL};
    for (long len : edges) {
      for (int flags : new int[] {0x00, 0x06, 0x38, 0xF8}) {
        seeds.put("header-" + len + "-flags-" + flags, Fuzz.concat(Fuzz.b(flags), Fuzz.framed(Fuzz.b(FrameType.AUTH)),
            Fuzz.header(len), Fuzz.b(1, 2, 3)));
      }
    }
    seeds.put("truncated-preamble", Fuzz.concat(Fuzz.b(0x01), Arrays.copyOf(Preamble.clientPreamble(), 5)));
    Fuzz.writeSeeds(FrameReaderFuzzTest.class, "frames", seeds);
  }

  /** Feeds {@code stream} in reads of sizes chosen by {@code split}; returns the framing error's code, if any. */
  private static ErrorCode feed(FrameReader reader, byte[] stream, int split) {
    int at = 0;
    int chunk = 0;
    try {
      while (at < stream.length) {
        int n = switch (split) {
          case 0 -> stream.length; // one read
          case 1 -> 1; // byte by byte
          case 2 -> 3;
          default -> 1 + ((chunk * 7919 + stream[at]) & 0xFF) % 64; // uneven reads
        };
        n = Math.min(n, stream.length - at);
        reader.feed(ByteBuffer.wrap(stream, at, n));
        at += n;
        chunk++;
      }
    } catch (FrameReader.FramingException e) {
      if (e.code() == null || e.getMessage() == null) {
        throw new AssertionError("FramingException without a code or reason", e);
      }
      return e.code();
    }
    return null;
  }

  /** The framing, parsed from the whole stream at once. */
  private static final class Model {
    byte[] preamble;
    final List<byte[]> frames = new ArrayList<>();
    ErrorCode error;
    boolean partial;

    static Model parse(byte[] s, boolean expectPreamble, long limit, boolean trustAfterFirst, long trusted) {
      Model m = new Model();
      long maxArray = Integer.MAX_VALUE - 8; // no byte array is larger: a larger limit means this one
      limit = Math.min(limit, maxArray);
      trusted = Math.min(trusted, maxArray);
      int at = 0;
      if (expectPreamble) {
        if (s.length < Preamble.LENGTH) {
          m.partial = s.length > 0;
          return m;
        }
        m.preamble = Arrays.copyOf(s, Preamble.LENGTH);
        at = Preamble.LENGTH;
      }
      while (at < s.length) {
        if (s.length - at < 4) {
          m.partial = true;
          return m;
        }
        long len = ByteBuffer.wrap(s, at, 4).getInt() & 0xFFFF_FFFFL;
        at += 4;
        if (len == 0) {
          m.error = ErrorCode.PROTOCOL_ERROR;
          return m;
        }
        if (len > limit) {
          m.error = ErrorCode.MESSAGE_TOO_LARGE;
          return m;
        }
        if (s.length - at < len) {
          m.partial = true;
          return m;
        }
        m.frames.add(Arrays.copyOfRange(s, at, at + (int) len));
        at += (int) len;
        if (trustAfterFirst && m.frames.size() == 1) {
          limit = trusted;
        }
      }
      return m;
    }
  }
}
