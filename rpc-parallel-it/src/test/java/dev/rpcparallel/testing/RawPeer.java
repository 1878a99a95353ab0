package dev.rpcparallel.testing;

import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.Preamble;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A hand-driven client speaking the wire protocol over a blocking socket, for tests that must
 * misbehave: stop heartbeating, send garbage, oversized or truncated frames. Frames are a 4-byte
 * big-endian length, then the body, whose first byte is the frame type.
 */
public final class RawPeer implements AutoCloseable {
  /** A received frame: its type and a reader positioned after the type byte. */
  public record Frame(int type, BinaryReader body) {}

  /** A received CLOSE frame: its code and reason. */
  public record Close(ErrorCode code, String reason) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public RawPeer(Worker<?> w) throws IOException {
    socket = new Socket(w.host(), w.port());
    socket.setSoTimeout(20_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void sendFrame(int type, byte[] body) throws IOException {
    BinaryWriter w = new BinaryWriter();
    w.writeFixedInt(body.length + 1).writeByte(type).writeRaw(body, 0, body.length);
    sendRaw(w.toByteArray());
  }

  /** Reads one frame, or null at EOF. */
  public Frame readFrame() throws IOException {
    int len;
    try {
      len = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    byte[] body = new byte[len];
    in.readFully(body);
    BinaryReader r = new BinaryReader(body);
    return new Frame(r.readByte(), r);
  }

  /** The code and reason of a CLOSE frame whose type byte was read. */
  public static Close close(Frame f) {
    if (f.type() != FrameType.CLOSE) {
      throw new AssertionError("expected CLOSE, got " + FrameType.name(f.type()));
    }
    ErrorCode code = ErrorCode.fromWire(f.body().readUnsignedVarLong());
    return new Close(code, f.body().readString());
  }

  /** Reads until a CLOSE frame (returning it) or EOF (returning null), skipping others. */
  public Close readClose() throws IOException {
    Frame f;
    while ((f = readFrame()) != null) {
      if (f.type() == FrameType.CLOSE) {
        return close(f);
      }
    }
    return null;
  }

  /** Reads until a CLOSE frame (returning its reason) or EOF (returning null), skipping others. */
  public String readCloseReason() throws IOException {
    Close c = readClose();
    return c == null ? null : c.reason();
  }

  /** Preamble, HELLO, AUTH with {@code secret}; returns the next frame (AUTH_OK or CLOSE). */
  public Frame authenticate(byte[] secret) throws IOException {
    sendRaw(Preamble.clientPreamble());
    Frame hello = readFrame();
    if (hello == null || hello.type() != FrameType.HELLO) {
      throw new IOException("expected HELLO, got " + (hello == null ? "EOF" : FrameType.name(hello.type())));
    }
    hello.body().readByte(); // the version the server chose
    byte[] serverNonce = hello.body().readRaw(Auth.NONCE_LENGTH);
    byte[] clientNonce = Auth.nonce();
    BinaryWriter w = new BinaryWriter();
    w.writeRaw(clientNonce, 0, clientNonce.length);
    byte[] proof = Auth.clientProof(secret, serverNonce, clientNonce);
    w.writeRaw(proof, 0, proof.length);
    sendFrame(FrameType.AUTH, w.toByteArray());
    return readFrame();
  }

  /** Completes the whole handshake as a well-behaved client; returns the menu once OPENED arrives. */
  public Menu open(Worker<?> w, byte[] secret, byte[] connectionArg) throws IOException {
    return open(w, secret, connectionArg, false);
  }

  /**
   * Completes the whole handshake as a well-behaved client, opening an ordinary or a control
   * connection; returns the worker's menu once OPENED arrives.
   */
  public Menu open(Worker<?> w, byte[] secret, byte[] connectionArg, boolean control) throws IOException {
    Frame f = authenticate(secret);
    if (f == null || f.type() != FrameType.AUTH_OK) {
      throw new IOException("expected AUTH_OK, got " + (f == null ? "EOF" : FrameType.name(f.type())));
    }
    BinaryWriter o = new BinaryWriter();
    o.writeFixedLong(w.id().getMostSignificantBits()).writeFixedLong(w.id().getLeastSignificantBits());
    o.writeBytes(connectionArg);
    o.writeBoolean(control);
    sendFrame(FrameType.OPEN, o.toByteArray());
    Frame opened = readFrame();
    if (opened == null || opened.type() != FrameType.OPENED) {
      throw new IOException("expected OPENED, got " + (opened == null ? "EOF" : FrameType.name(opened.type())));
    }
    return Menu.read(opened.body());
  }

  /** Sends a CALL frame: call id, menu index, then the query's bytes. */
  public void sendCall(long id, int index, byte[] query) throws IOException {
    BinaryWriter w = new BinaryWriter();
    w.writeUnsignedVarLong(id).writeUnsignedVarLong(index).writeRaw(query, 0, query.length);
    sendFrame(FrameType.CALL, w.toByteArray());
  }

  /** Reads frames until one that is not a HEARTBEAT (or EOF: null). */
  public Frame readNonHeartbeat() throws IOException {
    Frame f;
    while ((f = readFrame()) != null && f.type() == FrameType.HEARTBEAT) {
      // skip
    }
    return f;
  }

  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
