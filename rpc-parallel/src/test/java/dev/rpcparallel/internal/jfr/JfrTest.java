package dev.rpcparallel.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR gate and events from inside the library's module (this test runs on the module path):
 * events of a package the module does not export still register and record.
 */
class JfrTest {

  @Test
  void eventsOfTheModuleAreRecordedWhenEnabled(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("r.jfr");
    try (Recording r = new Recording()) {
      r.enable("dev.rpcparallel.Heartbeat");
      r.start();
      assertThat(Jfr.started()).isTrue();
      assertThat(Jfr.calls()).as("Call is disabled unless asked for").isFalse();
      Jfr.heartbeat("client", "127.0.0.1:1", 2);
      Jfr.workerExit("w", 3);
      r.stop();
      r.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("dev.rpcparallel.")).toList();
    assertThat(events).extracting(e -> e.getEventType().getName())
        .containsExactlyInAnyOrder("dev.rpcparallel.Heartbeat", "dev.rpcparallel.WorkerExit");
    RecordedEvent hb = events.stream().filter(e -> e.getEventType().getName().endsWith("Heartbeat")).findFirst().orElseThrow();
    assertThat(hb.getString("side")).isEqualTo("client");
    assertThat(hb.getInt("silentTicks")).isEqualTo(2);
  }

  @Test
  void callEventsFollowTheRecordingsSettings() {
    try (Recording r = new Recording()) {
      r.enable("dev.rpcparallel.Call");
      r.start();
      assertThat(Jfr.calls()).isTrue();
      assertThat(Jfr.streams()).isFalse();
    }
    assertThat(Jfr.calls()).as("once the recording is closed").isFalse();
  }
}
