package dev.rpcparallel.internal.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One remote host as the OpenSSH client reaches it, and where code goes there.
 *
 * @param host the host name or alias given to {@code ssh} (its {@code ~/.ssh/config} applies)
 * @param user the login name, if not ssh's default
 * @param port the port, if not ssh's default
 * @param identityFile the private key, if not ssh's default
 * @param strictHostKeyChecking {@code StrictHostKeyChecking} if set ({@code yes}, {@code no},
 *     {@code accept-new})
 * @param options further {@code -o key=value} options
 * @param connectTimeout ssh's {@code ConnectTimeout}, and the bound on each step before the copy
 * @param ssh the ssh program
 * @param java the remote java, if configured (else found on the host)
 * @param cacheDirectory the remote cache directory, if configured (else the default)
 * @param installation a remote directory holding the class path already (no copying), if any
 * @param remotePrefix words put before the remote java command (e.g. {@code nice -n 10})
 * @param masterAddress the address workers connect back to, if set (else the route's)
 * @param masterListenAddress where the master listens for these workers
 */
public record SshTarget(
    String host,
    Optional<String> user,
    Optional<Integer> port,
    Optional<Path> identityFile,
    Optional<String> strictHostKeyChecking,
    List<String> options,
    Duration connectTimeout,
    String ssh,
    Optional<String> java,
    Optional<String> cacheDirectory,
    Optional<String> installation,
    List<String> remotePrefix,
    Optional<String> masterAddress,
    String masterListenAddress) {

  /** Who and where, for messages: {@code user@host:port}. */
  public String destination() {
    return user.map(u -> u + "@").orElse("") + host + port.map(p -> ":" + p).orElse("");
  }

  /** The ssh command that runs {@code remoteCommand} (a string for the remote login shell). */
  public List<String> command(String remoteCommand) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ssh);
    // Never prompt (there is no terminal to answer), never forward anything.
    cmd.add("-o");
    cmd.add("BatchMode=yes");
    cmd.add("-o");
    cmd.add("ConnectTimeout=" + Math.max(1, (connectTimeout.toMillis() + 999) / 1000));
    cmd.add("-T");
    cmd.add("-x");
    cmd.add("-a");
    user.ifPresent(u -> {
      cmd.add("-l");
      cmd.add(u);
    });
    port.ifPresent(p -> {
      cmd.add("-p");
      cmd.add(Integer.toString(p));
    });
    identityFile.ifPresent(f -> {
      cmd.add("-i");
      cmd.add(f.toString());
    });
    strictHostKeyChecking.ifPresent(s -> {
      cmd.add("-o");
      cmd.add("StrictHostKeyChecking=" + s);
    });
    for (String o : options) {
      cmd.add("-o");
      cmd.add(o);
    }
    cmd.add("--");
    cmd.add(host);
    cmd.add(remoteCommand);
    return cmd;
  }

  /** The ssh command that prints ssh's effective configuration for this host ({@code ssh -G}). */
  public List<String> configQuery() {
    List<String> cmd = new ArrayList<>(command("true"));
    cmd.remove(cmd.size() - 1);
    cmd.remove(cmd.size() - 1);
    cmd.remove(cmd.size() - 1); // "--"
    cmd.add("-G");
    cmd.add("--");
    cmd.add(host);
    return cmd;
  }
}
