package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event {@code dev.rpcparallel.HeartbeatTimeout}: A connection closed because the peer was silent for the heartbeat timeout. */
@Name("dev.rpcparallel.HeartbeatTimeout")
@Label("Heartbeat Timeout")
@Category("rpc-parallel")
@Description("A connection closed because the peer was silent for the heartbeat timeout.")
@Enabled(true)
@StackTrace(false)
public final class HeartbeatTimeoutEvent extends Event {
  @Label("Side")
  public String side;

  @Label("Peer")
  public String peer;

  @Label("Timeout")
  @Timespan(Timespan.NANOSECONDS)
  public long timeout;
}
