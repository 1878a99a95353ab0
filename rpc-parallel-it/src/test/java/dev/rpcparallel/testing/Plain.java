package dev.rpcparallel.testing;

/** A class with no dependencies, loadable by an isolated class loader in tests. */
public final class Plain {}
