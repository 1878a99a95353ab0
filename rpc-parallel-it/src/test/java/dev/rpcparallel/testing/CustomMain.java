package dev.rpcparallel.testing;

import dev.rpcparallel.WorkerMain;

/** A program with its own main that can also be spawned as a worker. */
public final class CustomMain {
  private CustomMain() {}

  public static void main(String[] args) {
    WorkerMain.runIfSpawned();
    System.out.println("not a worker");
  }
}
