package dev.rpcparallel.internal.engine;

import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.internal.protocol.Auth;
import java.util.UUID;

/**
 * What a worker handle holds, as the engine reads it.
 *
 * @param id the worker's id
 * @param name its name, or null
 * @param host where its server listens
 * @param port its port
 * @param tls whether its server speaks TLS (it listens off loopback)
 * @param specClass its spec class name
 * @param settings its server's settings
 * @param credential the key that opens it
 * @param generation the credential's generation (earlier ones can be retired)
 * @param expiresAtMillis when the credential expires (epoch ms), or 0 for never
 */
public record HandleData(
    UUID id, String name, String host, int port, boolean tls, String specClass, RpcSettings settings, byte[] credential,
    long generation, long expiresAtMillis) {

  /** The credential's terms. */
  public Auth.Terms terms() {
    return new Auth.Terms(id, generation, expiresAtMillis);
  }

  public String nameOrId() {
    return name != null ? name : id.toString();
  }

  public String address() {
    return host + ":" + port;
  }
}
