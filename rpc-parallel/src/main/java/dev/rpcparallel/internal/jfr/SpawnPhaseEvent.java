package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.SpawnPhase}: One phase of a worker spawn: launch (until the process started), connect (until the worker connected back), await init (until initWorkerState started), init (until it returned). */
@Name("dev.rpcparallel.SpawnPhase")
@Label("Spawn Phase")
@Category("rpc-parallel")
@Description("One phase of a worker spawn: launch (until the process started), connect (until the worker connected back), await init (until initWorkerState started), init (until it returned).")
@Enabled(true)
@StackTrace(false)
public final class SpawnPhaseEvent extends Event {
  @Label("Worker")
  public String worker;

  @Label("Phase")
  public String phase;
}
