package dev.rpcparallel.internal.protocol;

/** The five kinds of worker function, as the protocol tells them apart. */
public enum FunctionKind {
  RPC,
  ONE_WAY,
  PIPE,
  STATE,
  REVERSE_PIPE
}
