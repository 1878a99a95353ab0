package dev.rpcparallel.internal.remote;

import java.time.Duration;
import java.util.Locale;

/** What the local ssh client makes of a host ({@code ssh -G}): the name it really connects to. */
public final class SshConfig {
  private SshConfig() {}

  /**
   * The {@code hostname} ssh resolves {@code target}'s host to, after its config (aliases,
   * {@code HostName}); the host itself if ssh does not say.
   *
   * @throws RemoteFailureException if ssh cannot be run or rejects its configuration
   */
  public static String hostName(SshTarget target) {
    SshRun.Result r = SshRun.run(target.configQuery(), new byte[0], Duration.ofSeconds(10), "reading ssh's configuration for " + target.host());
    if (r.status() != 0) {
      throw CodeShipper.failure(target, "ssh -G failed", r);
    }
    for (String line : r.stdout().split("\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("hostname ")) {
        return line.substring("hostname ".length()).strip();
      }
    }
    return target.host();
  }
}
