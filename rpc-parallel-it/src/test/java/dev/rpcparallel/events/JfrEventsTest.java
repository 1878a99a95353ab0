package dev.rpcparallel.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rpcparallel.Connection;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import dev.rpcparallel.SpawnOptions;
import dev.rpcparallel.StreamReader;
import dev.rpcparallel.Worker;
import dev.rpcparallel.fixtures.TestWorker;
import dev.rpcparallel.testing.NoLeaks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Enabled;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The library's JFR events, recorded to a file and read back. */
@Timeout(60)
@ExtendWith(NoLeaks.class)
class JfrEventsTest {

  @Test
  void spawnCallStreamAndHeartbeatEventsAreRecorded(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.jfr");
    RpcSettings fastHeartbeats = RpcSettings.builder().heartbeatInterval(Duration.ofMillis(50)).build();
    try (Recording recording = new Recording()) {
      // Spawn events are on by default; calls, streams and heartbeats must be asked for.
      recording.enable("dev.rpcparallel.Spawn");
      recording.enable("dev.rpcparallel.SpawnPhase");
      recording.enable("dev.rpcparallel.Call");
      recording.enable("dev.rpcparallel.Stream");
      recording.enable("dev.rpcparallel.Heartbeat");
      recording.enable("dev.rpcparallel.WorkerExit");
      recording.start();
      try (RpcParallel app = RpcParallel.builder().settings(fastHeartbeats).build()) {
        Worker<TestWorker> w = app.spawn(new TestWorker(), 0, SpawnOptions.builder().name("jfr").build());
        try (Connection<TestWorker> c = app.connect(w, "c")) {
          assertThat(c.call(TestWorker.SUM, 10)).isEqualTo(45L);
          try (StreamReader<Integer> r = c.open(TestWorker.COUNT, 5)) {
            r.forEachRemaining(x -> {});
          }
          Thread.sleep(300); // a few heartbeats
        }
        app.shutdown(w).get(10, TimeUnit.SECONDS);
        assertThat(app.onExit(w).get(10, TimeUnit.SECONDS)).isZero();
        Thread.sleep(200); // the exit event is committed by the thread that saw the exit
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
        .filter(e -> e.getEventType().getName().startsWith("dev.rpcparallel.")).toList();
    Map<String, List<RecordedEvent>> byName = events.stream().collect(Collectors.groupingBy(e -> e.getEventType().getName()));

    RecordedEvent spawn = byName.get("dev.rpcparallel.Spawn").get(0);
    assertThat(spawn.getString("worker")).isEqualTo("jfr");
    assertThat(spawn.getLong("pid")).isPositive();
    assertThat(spawn.getString("failure")).isNull();
    assertThat(spawn.getDuration()).isPositive();
    assertThat(spawn.getEventType().getCategoryNames()).containsExactly("rpc-parallel");

    assertThat(byName.get("dev.rpcparallel.SpawnPhase").stream().map(e -> e.getString("phase")))
        .containsExactly("launch", "connect", "await init", "init");
    Duration phases = byName.get("dev.rpcparallel.SpawnPhase").stream().map(RecordedEvent::getDuration)
        .reduce(Duration.ZERO, Duration::plus);
    assertThat(phases).isLessThanOrEqualTo(spawn.getDuration());

    RecordedEvent call = byName.get("dev.rpcparallel.Call").get(0);
    assertThat(call.getString("function")).isEqualTo("sum");
    assertThat(call.getString("kind")).isEqualTo("RPC");
    assertThat(call.getString("worker")).isEqualTo("jfr");
    assertThat(call.getString("failure")).isNull();
    assertThat(call.getDuration()).isPositive();

    RecordedEvent stream = byName.get("dev.rpcparallel.Stream").get(0);
    assertThat(stream.getString("function")).isEqualTo("count");
    assertThat(stream.getString("kind")).isEqualTo("PIPE");
    assertThat(stream.getLong("items")).isEqualTo(5);

    assertThat(byName.get("dev.rpcparallel.Heartbeat")).isNotEmpty();
    assertThat(byName.get("dev.rpcparallel.Heartbeat").stream().map(e -> e.getString("side")))
        .contains("client", "master");

    RecordedEvent exit = byName.get("dev.rpcparallel.WorkerExit").get(0);
    assertThat(exit.getString("worker")).isEqualTo("jfr");
    assertThat(exit.getInt("exitStatus")).isZero();
  }

  /** High-frequency events are off unless a recording asks for them; spawn events are on. */
  @Test
  void callEventsAreDisabledByDefault() {
    try (Recording r = new Recording()) {
      r.start(); // registers nothing by itself, but starts JFR so the types can be listed
      Map<String, EventType> types = FlightRecorder.getFlightRecorder().getEventTypes().stream()
          .filter(t -> t.getName().startsWith("dev.rpcparallel."))
          .collect(Collectors.toMap(EventType::getName, t -> t));
      if (types.containsKey("dev.rpcparallel.Call")) { // registered by an earlier test in this JVM
        assertThat(types.get("dev.rpcparallel.Call").getAnnotation(Enabled.class).value()).isFalse();
        assertThat(types.get("dev.rpcparallel.Spawn").getAnnotation(Enabled.class).value()).isTrue();
      }
    }
    assertThat(dev.rpcparallel.internal.jfr.CallEvent.class.getAnnotation(Enabled.class).value()).isFalse();
    assertThat(dev.rpcparallel.internal.jfr.StreamEvent.class.getAnnotation(Enabled.class).value()).isFalse();
    assertThat(dev.rpcparallel.internal.jfr.HeartbeatEvent.class.getAnnotation(Enabled.class).value()).isFalse();
    assertThat(dev.rpcparallel.internal.jfr.SpawnEvent.class.getAnnotation(Enabled.class).value()).isTrue();
  }
}
