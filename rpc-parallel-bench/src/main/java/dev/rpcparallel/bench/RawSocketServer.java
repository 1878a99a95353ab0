package dev.rpcparallel.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Server JVM of {@link RawSocketContender}: blocking {@link java.net.Socket}s, one thread per
 * connection. The first byte of a connection selects its mode; frames are a 4-byte big-endian
 * length followed by that many bytes.
 *
 * <ul>
 *   <li>{@link #ECHO}: echo every frame; flush only when no further input is already buffered
 *       (coalesced writes).
 *   <li>{@link #STREAM}: each request is two ints (itemSize, items); answer with {@code items}
 *       frames written back-to-back through a buffered stream.
 *   <li>{@link #BULK}: each request is one frame, read into a 1 MiB buffer and dropped; answer
 *       with an 8-byte ack (the length).
 * </ul>
 */
public final class RawSocketServer {

  static final int ECHO = 'E';
  static final int STREAM = 'S';
  static final int BULK = 'B';
  static final int BUFFER = 64 * 1024;

  private RawSocketServer() {}

  /** Entry point of the server JVM. */
  public static void main(String[] args) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> acceptLoop(server), "raw-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    ServerProcess.announceAndAwaitParent(server.getLocalPort());
  }

  private static void acceptLoop(ServerSocket server) {
    try {
      while (true) {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        Thread t = new Thread(() -> serve(s), "raw-conn");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException e) {
      System.err.println("raw server: accept failed: " + e);
    }
  }

  private static void serve(Socket s) {
    try (s;
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), BUFFER));
        DataOutputStream out =
            new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), BUFFER))) {
      int mode = in.readUnsignedByte();
      switch (mode) {
        case ECHO -> echo(in, out);
        case STREAM -> stream(in, out);
        case BULK -> bulk(in, out);
        default -> throw new IOException("unknown mode " + mode);
      }
    } catch (EOFException e) {
      // client closed the connection
    } catch (IOException e) {
      System.err.println("raw server: " + e);
    }
  }

  private static void echo(DataInputStream in, DataOutputStream out) throws IOException {
    byte[] buf = new byte[1024];
    while (true) {
      int len = in.readInt();
      if (len > buf.length) {
        buf = new byte[len];
      }
      in.readFully(buf, 0, len);
      out.writeInt(len);
      out.write(buf, 0, len);
      if (in.available() == 0) {
        out.flush(); // about to block on read: send everything we have
      }
    }
  }

  private static void stream(DataInputStream in, DataOutputStream out) throws IOException {
    while (true) {
      int itemSize = in.readInt();
      int items = in.readInt();
      byte[] item = new byte[itemSize];
      for (int i = 0; i < items; i++) {
        out.writeInt(itemSize);
        out.write(item);
      }
      out.flush();
    }
  }

  private static void bulk(DataInputStream in, DataOutputStream out) throws IOException {
    byte[] buf = new byte[1 << 20];
    while (true) {
      int remaining = in.readInt();
      int total = remaining;
      while (remaining > 0) {
        int n = in.read(buf, 0, Math.min(buf.length, remaining));
        if (n < 0) {
          throw new EOFException();
        }
        remaining -= n;
      }
      out.writeLong(total);
      out.flush();
    }
  }
}
