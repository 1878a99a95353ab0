package dev.rpcparallel.internal.spawn;

import dev.rpcparallel.Redirect;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.ShutdownOn;
import dev.rpcparallel.Worker;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.codec.Codecs;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * What a spawned worker learns from its master, through its stdin (never argv or env, since it
 * holds the application secret): a 4-byte big-endian length, then this record's encoding.
 */
public record BootstrapConfig(
    byte[] secret,
    RpcSettings settings,
    Worker master,
    UUID workerId,
    Optional<String> name,
    String specClass,
    byte[] initArg,
    ShutdownOn shutdownOn,
    Duration connectionTimeout,
    Redirect stdout,
    Redirect stderr) {

  public static final Codec<BootstrapConfig> CODEC = Codecs.derive(BootstrapConfig.class);

  /** Largest config a worker accepts on stdin. */
  public static final int MAX_LENGTH = 256 << 20;

  public String nameOrId() {
    return name.orElse(workerId.toString());
  }
}
