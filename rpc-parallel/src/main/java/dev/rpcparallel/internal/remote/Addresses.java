package dev.rpcparallel.internal.remote;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Which addresses are loopback or wildcard, and which local address routes to a peer. Stateless. */
public final class Addresses {
  private Addresses() {}

  /** {@code 0.0.0.0}, {@code ::} or {@code [::]}: all interfaces. */
  public static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("::0");
  }

  /**
   * Whether every address {@code host} names is a loopback address ({@code 127.0.0.0/8}, {@code
   * ::1}, {@code localhost}). A name that does not resolve is not loopback.
   */
  public static boolean isLoopback(String host) {
    if (isWildcard(host)) {
      return false;
    }
    try {
      InetAddress[] all = InetAddress.getAllByName(strip(host));
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * This machine's address on the route to {@code host} (what its kernel would use as source
   * address; no packet is sent).
   *
   * @throws RemoteFailureException if {@code host} does not resolve or no route leads there
   */
  public static String routeTo(String host) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName(strip(host)), 9));
      InetAddress local = s.getLocalAddress();
      if (local == null || local.isAnyLocalAddress()) {
        throw new RemoteFailureException("no route from this machine to " + host);
      }
      return local.getHostAddress();
    } catch (IOException e) {
      throw new RemoteFailureException("cannot find this machine's address on the route to " + host + ": " + e.getMessage(), e);
    }
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
