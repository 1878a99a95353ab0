package dev.rpcparallel.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event {@code dev.rpcparallel.Heartbeat}: A heartbeat tick of a connection: a heartbeat sent, with the ticks since the peer was last heard (disabled by default). */
@Name("dev.rpcparallel.Heartbeat")
@Label("Heartbeat")
@Category("rpc-parallel")
@Description("A heartbeat tick of a connection: a heartbeat sent, with the ticks since the peer was last heard (disabled by default).")
@Enabled(false)
@StackTrace(false)
public final class HeartbeatEvent extends Event {
  @Label("Side")
  @Description("Which end of the connection ticked: client, or the name of the worker serving it (master for a master server)")
  public String side;

  @Label("Peer")
  public String peer;

  @Label("Silent Ticks")
  @Description("Heartbeat intervals since anything arrived from the peer")
  public int silentTicks;
}
