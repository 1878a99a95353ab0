package dev.rpcparallel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * The floor of {@link SpawnBench}: the smallest useful child JVM. It connects to the parent's
 * loopback port given as the only argument, answers one 1-byte ping with a 1-byte pong, then
 * idles until the parent closes the connection and exits with status 0. Nothing else is loaded.
 */
public final class SpawnFloorChild {

  private SpawnFloorChild() {}

  public static void main(String[] args) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]))) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      int ping = in.read();
      if (ping < 0) {
        return;
      }
      out.write(ping + 1);
      out.flush();
      while (in.read() >= 0) {
        // idle until the parent closes the connection
      }
    }
  }
}
