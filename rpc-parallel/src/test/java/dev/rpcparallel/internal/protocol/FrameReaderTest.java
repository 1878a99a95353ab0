package dev.rpcparallel.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing without Netty: splitting, limits checked before allocation, partial frames at EOF. */
class FrameReaderTest {
  private final List<byte[]> frames = new ArrayList<>();
  private final List<byte[]> preambles = new ArrayList<>();
  private final FrameReader.Sink sink = new FrameReader.Sink() {
    @Override
    public void onPreamble(byte[] p) {
      preambles.add(p);
    }

    @Override
    public void onFrame(byte[] body) {
      frames.add(body);
    }
  };

  private static byte[] frame(int len, byte fill) {
    ByteBuffer b = ByteBuffer.allocate(4 + len).putInt(len);
    for (int i = 0; i < len; i++) {
      b.put(fill);
    }
    return b.array();
  }

  @Test
  void splitsFramesDeliveredOneByteAtATime() throws Exception {
    FrameReader r = new FrameReader(sink, true, 1 << 20);
    ByteBuffer all = ByteBuffer.allocate(8 + 4 + 3 + 4 + 100_000);
    all.put("RPCPAR".getBytes()).put((byte) 1).put((byte) 1).put(frame(3, (byte) 7)).put(frame(100_000, (byte) 9)).flip();
    while (all.hasRemaining()) {
      r.feed(ByteBuffer.wrap(new byte[] {all.get()}));
    }
    assertThat(preambles).hasSize(1);
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).containsExactly(7, 7, 7);
    assertThat(frames.get(1)).hasSize(100_000);
    assertThat(r.partialFrameAtEof()).isNull();
  }

  @Test
  void oversizedLengthIsRefusedBeforeAllocating() {
    FrameReader r = new FrameReader(sink, false, 4096);
    assertThatThrownBy(() -> r.feed(ByteBuffer.allocate(4).putInt(0, 4097)))
        .isInstanceOfSatisfying(FrameReader.FramingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE))
        .hasMessage("frame of 4097 bytes exceeds the limit of 4096 bytes");
    FrameReader r2 = new FrameReader(sink, false, 4096);
    assertThatThrownBy(() -> r2.feed(ByteBuffer.allocate(4).putInt(0, 0x80000000)))
        .isInstanceOfSatisfying(FrameReader.FramingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE))
        .hasMessage("frame of 2147483648 bytes exceeds the limit of 4096 bytes");
  }

  @Test
  void emptyFrameIsRefused() {
    FrameReader r = new FrameReader(sink, false, 4096);
    assertThatThrownBy(() -> r.feed(ByteBuffer.allocate(4)))
        .isInstanceOfSatisfying(FrameReader.FramingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR))
        .hasMessage("empty frame");
  }

  @Test
  void partialFrameIsReportedAtEof() throws Exception {
    FrameReader r = new FrameReader(sink, false, 4096);
    r.feed(ByteBuffer.wrap(frame(100, (byte) 1), 0, 14));
    assertThat(r.partialFrameAtEof()).isEqualTo("EOF in the middle of a frame (10 of 100 bytes)");
  }
}
