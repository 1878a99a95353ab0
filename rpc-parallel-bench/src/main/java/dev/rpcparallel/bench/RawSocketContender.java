package dev.rpcparallel.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The floor: blocking {@link Socket} with 4-byte length-prefixed frames against {@link
 * RawSocketServer}. One connection per operation kind (echo, stream, bulk). Pipelining uses a
 * writer thread plus the calling thread as reader, with a counting window; writes are coalesced
 * in a {@link BufferedOutputStream} that is flushed when the window is full or nothing is left to
 * send.
 */
public final class RawSocketContender implements Contender {

  private ServerProcess server;
  private Conn echo;
  private Conn stream;
  private Conn bulk;

  /** A connection in one server mode. */
  private record Conn(Socket socket, DataInputStream in, DataOutputStream out) {
    static Conn open(int port, int mode) throws IOException {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      s.setTcpNoDelay(true);
      var in = new DataInputStream(new BufferedInputStream(s.getInputStream(), RawSocketServer.BUFFER));
      var out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), RawSocketServer.BUFFER));
      out.write(mode);
      return new Conn(s, in, out);
    }
  }

  @Override
  public String name() {
    return Contenders.RAW;
  }

  @Override
  public String description() {
    return "blocking java.net.Socket, 4-byte length prefix, TCP_NODELAY; pipelined/stream writes coalesced in 64 KiB buffers";
  }

  @Override
  public void start() throws IOException {
    server = ServerProcess.launch(RawSocketServer.class);
    echo = Conn.open(server.port(), RawSocketServer.ECHO);
    stream = Conn.open(server.port(), RawSocketServer.STREAM);
    bulk = Conn.open(server.port(), RawSocketServer.BULK);
  }

  @Override
  public byte[] roundTrip(byte[] payload) throws IOException {
    echo.out.writeInt(payload.length);
    echo.out.write(payload);
    echo.out.flush();
    byte[] reply = new byte[echo.in.readInt()];
    echo.in.readFully(reply);
    return reply;
  }

  @Override
  public double pipelined(int inFlight, int totalCalls) throws Exception {
    Semaphore window = new Semaphore(inFlight);
    AtomicReference<Throwable> writerError = new AtomicReference<>();
    byte[] payload = new byte[8];
    long start = System.nanoTime();
    Thread writer =
        new Thread(
            () -> {
              try {
                DataOutputStream out = echo.out;
                for (int i = 0; i < totalCalls; i++) {
                  if (!window.tryAcquire()) {
                    out.flush(); // window full: send what we have, then wait
                    window.acquire();
                  }
                  out.writeInt(payload.length);
                  out.write(payload);
                }
                out.flush(); // nothing more to send
              } catch (Throwable t) {
                writerError.set(t);
              }
            },
            "raw-writer");
    writer.start();
    byte[] reply = new byte[8];
    try {
      for (int i = 0; i < totalCalls; i++) {
        int len = echo.in.readInt();
        echo.in.readFully(reply, 0, len);
        window.release();
      }
    } finally {
      writer.join();
    }
    if (writerError.get() != null) {
      throw new IOException("writer failed", writerError.get());
    }
    return totalCalls / seconds(start);
  }

  @Override
  public double stream(int itemSize, int items) throws IOException {
    long start = System.nanoTime();
    stream.out.writeInt(itemSize);
    stream.out.writeInt(items);
    stream.out.flush();
    byte[] item = new byte[itemSize];
    for (int i = 0; i < items; i++) {
      int len = stream.in.readInt();
      stream.in.readFully(item, 0, len);
    }
    return items / seconds(start);
  }

  @Override
  public double bulk(int bytes) throws IOException {
    byte[] value = new byte[bytes];
    long start = System.nanoTime();
    bulk.out.writeInt(bytes);
    bulk.out.flush();
    OutputStream raw = bulk.socket.getOutputStream();
    raw.write(value); // one write of the whole array, bypassing the buffer
    long ack = bulk.in.readLong();
    double s = seconds(start);
    if (ack != bytes) {
      throw new IOException("bad ack " + ack);
    }
    return bytes / 1e6 / s;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  @Override
  public void close() {
    for (Conn c : new Conn[] {echo, stream, bulk}) {
      if (c != null) {
        try {
          c.socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
    if (server != null) {
      server.close();
    }
  }
}
