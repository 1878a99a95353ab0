/**
 * rpc-parallel: typed functions on worker JVMs. The API is {@code dev.rpcparallel} and {@code
 * dev.rpcparallel.codec}, with {@code dev.rpcparallel.mapreduce} (pools and map-reduce) and {@code
 * dev.rpcparallel.managed} (managed workers) built on them. Everything under {@code
 * dev.rpcparallel.internal} is the engine and not exported (the testing artifact reads the manual
 * clock through a qualified export). The API does not depend on the engine: {@code RpcParallel}
 * finds it as the provider of {@code dev.rpcparallel.EngineProvider}.
 */
module dev.rpcparallel {
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires jdk.jfr;
  requires org.slf4j;

  exports dev.rpcparallel;
  exports dev.rpcparallel.codec;
  exports dev.rpcparallel.managed;
  exports dev.rpcparallel.mapreduce;
  exports dev.rpcparallel.internal.concurrent to dev.rpcparallel.testing;

  uses dev.rpcparallel.EngineProvider;
  uses org.slf4j.spi.SLF4JServiceProvider;

  provides dev.rpcparallel.EngineProvider with dev.rpcparallel.internal.engine.EngineProviderImpl;
}
