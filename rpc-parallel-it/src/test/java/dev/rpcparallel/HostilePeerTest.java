package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.testing.Await;
import dev.rpcparallel.testing.RawPeer;
import dev.rpcparallel.testing.TestWorker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage on a worker's port: each connection is refused with a clear reason, nothing beyond the
 * frame limit is allocated (see FrameReaderTest), and the worker keeps serving its other
 * connections.
 */
@Timeout(60)
class HostilePeerTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes();
  private RpcParallel app;
  private Worker worker;
  private Connection good;

  @BeforeEach
  void start() {
    RpcSettings small = RpcSettings.builder().maxMessageSize(4096).build();
    app = RpcParallel.builder().settings(small).environment(Map.of()).secret(SECRET).build();
    worker = app.serve(new TestWorker(), 0);
    good = app.connect(worker, "good");
  }

  @AfterEach
  void stillServing() {
    assertThat(good.call(TestWorker.ECHO, "still serving")).isEqualTo("still serving");
    app.close();
  }

  private String refusal(byte[] bytes) throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.sendRaw(bytes);
      return p.readCloseReason();
    }
  }

  @Test
  void garbageBytes() throws Exception {
    assertThat(refusal("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("bad magic: expected \"RPCPAR\", got 474554202f204854");
  }

  @Test
  void wrongMagic() throws Exception {
    assertThat(refusal(new byte[] {'R', 'P', 'C', 'X', 'Y', 'Z', 1, 1})).startsWith("bad magic");
  }

  @Test
  void noCommonVersion() throws Exception {
    assertThat(refusal(new byte[] {'R', 'P', 'C', 'P', 'A', 'R', 7, 9}))
        .isEqualTo("no common protocol version: peer speaks 7..9, we speak 1..1");
  }

  @Test
  void wrongSecret() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      RawPeer.Frame f = p.authenticate("not the secret, not the secret!!".getBytes());
      assertThat(f.type()).isEqualTo(FrameType.CLOSE);
      assertThat(f.body().readString()).startsWith("authentication failed");
    }
  }

  @Test
  void twoGigabyteLengthPrefixBeforeAuthentication() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(12).put("RPCPAR".getBytes()).put((byte) 1).put((byte) 1).putInt(0x80000000);
    assertThat(refusal(b.array())).isEqualTo("frame of 2147483648 bytes exceeds the limit of 512 bytes");
  }

  @Test
  void frameOneByteOverTheLimitAfterAuthentication() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendRaw(ByteBuffer.allocate(4).putInt(4097).array());
      assertThat(p.readCloseReason()).isEqualTo("frame of 4097 bytes exceeds the limit of 4096 bytes");
    }
  }

  @Test
  void unknownFrameTypeAfterOpen() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendFrame(0x7E, new byte[] {1, 2, 3});
      assertThat(p.readCloseReason()).isEqualTo("unexpected unknown(0x7e) frame from client");
    }
  }

  @Test
  void malformedCallBody() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendFrame(FrameType.CALL, new byte[] {(byte) 0xFF}); // a varint that never ends
      assertThat(p.readCloseReason()).startsWith("malformed frame: cannot decode");
    }
  }

  @Test
  void truncatedFrame() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      ByteBuffer b = ByteBuffer.allocate(14).putInt(100);
      p.sendRaw(b.array());
      p.shutdownOutput();
      assertThat(p.readFrame()).isNull();
    }
    Await.until(Duration.ofSeconds(10), "the worker to record why the truncated connection closed",
        () -> good.call(TestWorker.CLOSE_REASONS, null).contains("EOF in the middle of a frame (10 of 100 bytes)"));
  }
}
