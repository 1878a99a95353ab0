package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.WorkerExit}: A spawned worker process exited. */
@Name("dev.rpcparallel.WorkerExit")
@Label("Worker Exit")
@Category("rpc-parallel")
@Description("A spawned worker process exited.")
@Enabled(true)
@StackTrace(false)
public final class WorkerExitEvent extends Event {
  @Label("Worker")
  public String worker;

  @Label("Exit Status")
  public int exitStatus;
}
