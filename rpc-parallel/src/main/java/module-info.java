/**
 * rpc-parallel: typed functions on worker JVMs. The API is {@code dev.rpcparallel}, {@code
 * dev.rpcparallel.codec} and {@code dev.rpcparallel.mapreduce} (pools and map-reduce, built on the
 * other two); everything under {@code dev.rpcparallel.internal} is the engine and not
 * exported (the testing artifact reads the manual clock through a qualified export).
 */
module dev.rpcparallel {
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports dev.rpcparallel;
  exports dev.rpcparallel.codec;
  exports dev.rpcparallel.mapreduce;
  exports dev.rpcparallel.internal.concurrent to dev.rpcparallel.testing;

  uses org.slf4j.spi.SLF4JServiceProvider;
}
