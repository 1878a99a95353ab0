package dev.rpcparallel.scratch;

import dev.rpcparallel.testing.*;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void t() throws Exception {
    System.out.println("A " + ProcFs.socketInodes());
    ProcFs.ownTcpSockets();
    System.out.println("B " + ProcFs.socketInodes());
  }
}
