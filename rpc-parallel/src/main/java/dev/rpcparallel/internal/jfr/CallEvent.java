package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.Call}: A call of an rpc or one-way function, client side (high frequency: disabled by default). */
@Name("dev.rpcparallel.Call")
@Label("Call")
@Category("rpc-parallel")
@Description("A call of an rpc or one-way function, client side (high frequency: disabled by default).")
@Enabled(false)
@StackTrace(false)
public final class CallEvent extends Event {
  @Label("Worker")
  public String worker;

  @Label("Function")
  public String function;

  @Label("Kind")
  public String kind;

  @Label("Failure")
  @Description("Why the call failed; null if it succeeded")
  public String failure;
}
