package dev.rpcparallel.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.examples.RemoteHosts;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code RemoteHosts} example, run as its README row says, on the two test hosts. */
@Timeout(180)
@ExtendWith(NoLeaks.class)
class RemoteExampleTest {

  @Test
  void spawnsOnEveryHostNamedAndPrintsWhatItsJavadocSays() throws Exception {
    SshHosts hosts = SshHosts.get();
    Path cache = Remote.freshCache(hosts, "example");
    try {
      List<String> targets = new ArrayList<>();
      for (SshHosts.Host h : hosts.hosts()) {
        targets.add(hosts.user() + "@" + h.address());
      }
      List<String> options = new ArrayList<>(Remote.launcherOptions(hosts));
      // The example uses the default cache directory; keep the test's copies in a directory of its own.
      List<String> out = new CopyOnWriteArrayList<>();
      RemoteHosts.run(targets, options, cache.toString(), out::add);
      for (String t : targets) {
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith(t + ": sum(0..999) = 499500, copied "));
        assertThat(out).contains(t + ": exited with status 0");
      }
    } finally {
      Remote.deleteTree(cache);
    }
  }
}
