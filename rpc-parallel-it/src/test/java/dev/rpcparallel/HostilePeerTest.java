package dev.rpcparallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codecs;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import dev.rpcparallel.fixtures.Await;
import dev.rpcparallel.fixtures.RawPeer;
import dev.rpcparallel.fixtures.TestWorker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  private Worker<TestWorker> worker;
  private Connection<TestWorker> good;

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

  private RawPeer.Close refusal(byte[] bytes) throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.sendRaw(bytes);
      return p.readClose();
    }
  }

  /** A preamble of this protocol version followed by {@code rest}. */
  private static byte[] afterPreamble(byte[] rest) {
    return ByteBuffer.allocate(Preamble.LENGTH + rest.length).put(Preamble.clientPreamble()).put(rest).array();
  }

  /** A handle to {@code port} on loopback, written field by field in Worker.CODEC's layout. */
  private Worker<TestWorker> handleTo(int port) {
    UUID id = UUID.randomUUID();
    BinaryWriter w = new BinaryWriter();
    w.writeFixedLong(id.getMostSignificantBits()).writeFixedLong(id.getLeastSignificantBits());
    w.writeBoolean(true).writeString("impostor");
    w.writeString("127.0.0.1").writeVarInt(port).writeBoolean(false).writeString(TestWorker.class.getName());
    RpcSettings.CODEC.encode(app.settings(), w);
    w.writeBytes(SECRET);
    w.writeUnsignedVarLong(0).writeUnsignedVarLong(0); // credential generation and expiry
    return Worker.codec(TestWorker.class).fromBytes(w.toByteArray());
  }

  private static void writeFrame(DataOutputStream out, byte type, BinaryWriter body) throws IOException {
    byte[] b = body.toByteArray();
    out.writeInt(b.length + 1);
    out.writeByte(type);
    out.write(b);
    out.flush();
  }

  /**
   * The other direction: a server that has not proved it holds the credential does not choose
   * what the client's error says. Its CLOSE text is only quoted, escaped, inside the library's own
   * sentence, so it cannot forge lines or quotes.
   */
  @Test
  void closeTextOfAnUnauthenticatedServerIsOnlyQuoted() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept()) {
          DataInputStream in = new DataInputStream(s.getInputStream());
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          in.readFully(new byte[Preamble.LENGTH]);
          BinaryWriter hello = new BinaryWriter().writeByte(Preamble.MAX_VERSION);
          hello.writeRaw(Auth.nonce(), 0, Auth.NONCE_LENGTH);
          writeFrame(out, FrameType.HELLO, hello);
          in.readFully(new byte[in.readInt()]); // AUTH, not even checked
          writeFrame(out, FrameType.CLOSE, new BinaryWriter()
              .writeUnsignedVarLong(ErrorCode.AUTHENTICATION_FAILED.wire())
              .writeString("you shall not pass\nforged: \"line\""));
          assertThat(in.read()).as("the client hangs up").isEqualTo(-1);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      assertThatThrownBy(() -> app.connect(handleTo(server.getLocalPort()), "x"))
          .isInstanceOfSatisfying(RpcParallelException.class,
              e -> assertThat(e.kind()).isEqualTo(RpcParallelException.Kind.AUTHENTICATION_FAILED))
          .hasMessageStartingWith("could not connect to worker impostor at 127.0.0.1:" + server.getLocalPort() + ": ")
          .hasMessageEndingWith("authentication failed; the server said \"you shall not pass\\u000aforged: \\\"line\\\"\"");
      served.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void garbageBytes() throws Exception {
    assertThat(refusal("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "bad magic: expected \"RPCPAR\", got 474554202f204854"));
  }

  @Test
  void wrongMagic() throws Exception {
    RawPeer.Close c = refusal(new byte[] {'R', 'P', 'C', 'X', 'Y', 'Z', 2, 2});
    assertThat(c.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    assertThat(c.reason()).startsWith("bad magic");
  }

  @Test
  void noCommonVersion() throws Exception {
    assertThat(refusal(new byte[] {'R', 'P', 'C', 'P', 'A', 'R', 7, 9}))
        .isEqualTo(new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "no common protocol version: peer speaks 7..9, we speak 2..2"));
  }

  /** Version 1 (CLOSE without a code, error kinds as text) is not spoken any more: such a peer is refused up front. */
  @Test
  void versionOnePeerIsRefused() throws Exception {
    assertThat(refusal(new byte[] {'R', 'P', 'C', 'P', 'A', 'R', 1, 1}))
        .isEqualTo(new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "no common protocol version: peer speaks 1..1, we speak 2..2"));
  }

  @Test
  void wrongSecret() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      RawPeer.Frame f = p.authenticate("not the secret, not the secret!!".getBytes(StandardCharsets.US_ASCII));
      assertThat(f.type()).isEqualTo(FrameType.CLOSE);
      assertThat(RawPeer.close(f)).isEqualTo(new RawPeer.Close(ErrorCode.AUTHENTICATION_FAILED, "authentication failed"));
    }
  }

  @Test
  void twoGigabyteLengthPrefixBeforeAuthentication() throws Exception {
    assertThat(refusal(afterPreamble(ByteBuffer.allocate(4).putInt(0x80000000).array())))
        .isEqualTo(new RawPeer.Close(ErrorCode.MESSAGE_TOO_LARGE, "frame of 2147483648 bytes exceeds the limit of 512 bytes"));
  }

  @Test
  void frameOneByteOverTheLimitAfterAuthentication() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendRaw(ByteBuffer.allocate(4).putInt(4097).array());
      assertThat(p.readClose())
          .isEqualTo(new RawPeer.Close(ErrorCode.MESSAGE_TOO_LARGE, "frame of 4097 bytes exceeds the limit of 4096 bytes"));
    }
  }

  @Test
  void unknownFrameTypeAfterOpen() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendFrame(0x7E, new byte[] {1, 2, 3});
      assertThat(p.readClose())
          .isEqualTo(new RawPeer.Close(ErrorCode.PROTOCOL_ERROR, "unexpected unknown(0x7e) frame from the client"));
    }
  }

  @Test
  void malformedCallBody() throws Exception {
    try (RawPeer p = new RawPeer(worker)) {
      p.open(worker, SECRET, Codecs.STRING.toBytes("raw"));
      p.sendFrame(FrameType.CALL, new byte[] {(byte) 0xFF}); // a varint that never ends
      RawPeer.Close c = p.readClose();
      assertThat(c.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
      assertThat(c.reason()).startsWith("malformed CALL frame: cannot decode").contains("truncated input");
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
        () -> good.call(TestWorker.CLOSE_REASONS).contains("EOF in the middle of a frame (10 of 100 bytes)"));
  }
}
