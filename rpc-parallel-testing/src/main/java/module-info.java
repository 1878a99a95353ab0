/** Testing support for rpc-parallel: {@link dev.rpcparallel.testing.RpcParallelExtension}, leak checks, a manual clock. */
module dev.rpcparallel.testing {
  requires transitive dev.rpcparallel;
  requires transitive org.junit.jupiter.api;

  exports dev.rpcparallel.testing;
}
