package dev.rpcparallel.testing;

import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.internal.protocol.Auth;
import dev.rpcparallel.internal.protocol.FrameType;
import dev.rpcparallel.internal.protocol.Preamble;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A hand-driven client speaking the wire protocol over a blocking socket, for tests that must
 * misbehave: stop heartbeating, send garbage, oversized or truncated frames.
 */
public final class RawPeer implements AutoCloseable {
  /** A received frame: its type and a reader positioned after the type byte. */
  public record Frame(int type, BinaryReader body) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public RawPeer(Worker w) throws IOException {
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

  /** Reads until a CLOSE frame (returning its reason) or EOF (returning null), skipping others. */
  public String readCloseReason() throws IOException {
    Frame f;
    while ((f = readFrame()) != null) {
      if (f.type() == FrameType.CLOSE) {
        return f.body().readString();
      }
    }
    return null;
  }

  /** Preamble, HELLO, AUTH with {@code secret}; returns the next frame (AUTH_OK or CLOSE). */
  public Frame authenticate(byte[] secret) throws IOException {
    sendRaw(Preamble.clientPreamble());
    Frame hello = readFrame();
    if (hello.type() != FrameType.HELLO) {
      throw new IOException("expected HELLO, got " + FrameType.name(hello.type()));
    }
    hello.body().readByte();
    byte[] serverNonce = hello.body().readRaw(Auth.NONCE_LENGTH);
    byte[] clientNonce = Auth.nonce();
    BinaryWriter w = new BinaryWriter();
    w.writeRaw(clientNonce, 0, clientNonce.length);
    byte[] proof = Auth.clientProof(secret, serverNonce, clientNonce);
    w.writeRaw(proof, 0, proof.length);
    sendFrame(FrameType.AUTH, w.toByteArray());
    return readFrame();
  }

  /** Completes the whole handshake as a well-behaved client; returns once OPENED arrives. */
  public void open(Worker w, byte[] secret, byte[] connectionArg) throws IOException {
    Frame f = authenticate(secret);
    if (f.type() != FrameType.AUTH_OK) {
      throw new IOException("expected AUTH_OK, got " + FrameType.name(f.type()));
    }
    BinaryWriter o = new BinaryWriter();
    o.writeFixedLong(w.id().getMostSignificantBits()).writeFixedLong(w.id().getLeastSignificantBits());
    o.writeBytes(connectionArg);
    o.writeBoolean(false); // not a control connection
    sendFrame(FrameType.OPEN, o.toByteArray());
    Frame opened = readFrame();
    if (opened.type() != FrameType.OPENED) {
      throw new IOException("expected OPENED, got " + FrameType.name(opened.type()));
    }
  }

  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
