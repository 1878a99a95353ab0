package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.Spawn}: A worker spawn, from its start until the worker is ready or the spawn failed. */
@Name("dev.rpcparallel.Spawn")
@Label("Spawn")
@Category("rpc-parallel")
@Description("A worker spawn, from its start until the worker is ready or the spawn failed.")
@Enabled(true)
@StackTrace(false)
public final class SpawnEvent extends Event {
  @Label("Worker")
  public String worker;

  @Label("Process Id")
  public long pid;

  @Label("Failure")
  @Description("Why the spawn failed; null if it succeeded")
  public String failure;
}
