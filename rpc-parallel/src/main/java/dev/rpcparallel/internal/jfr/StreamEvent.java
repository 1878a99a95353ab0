package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.Stream}: A call of a pipe, reverse pipe or state function, client side, until its stream ended (disabled by default). */
@Name("dev.rpcparallel.Stream")
@Label("Stream")
@Category("rpc-parallel")
@Description("A call of a pipe, reverse pipe or state function, client side, until its stream ended (disabled by default).")
@Enabled(false)
@StackTrace(false)
public final class StreamEvent extends Event {
  @Label("Worker")
  public String worker;

  @Label("Function")
  public String function;

  @Label("Kind")
  public String kind;

  @Label("Items")
  @Description("Items the caller read (pipe, state function); 0 for a reverse pipe")
  public long items;

  @Label("Failure")
  @Description("Why the call failed; null if it succeeded")
  public String failure;
}
