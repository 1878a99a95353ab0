package dev.rpcparallel.internal.engine;

import dev.rpcparallel.EventListener;
import dev.rpcparallel.RpcParallel;
import dev.rpcparallel.RpcSettings;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the facade gives the engine.
 *
 * @param app the facade itself (what {@code WorkerContext.app()} returns)
 * @param handles builds and reads worker handles
 * @param settings the effective settings (environment override applied)
 * @param secret the application secret
 * @param executor where handlers and callbacks run; null: the engine makes (and owns) one
 * @param ioThreads number of I/O threads
 * @param bindHost where worker servers listen
 * @param advertiseHost the host put in handles
 * @param inMemory no sockets: links live in memory
 * @param timers timers of in-memory links; null: the engine makes (and owns) one thread
 * @param eventListener hears spawns, connections and calls ({@link EventListener#NONE}: nothing)
 */
public record EngineConfig(
    RpcParallel app,
    Handles handles,
    RpcSettings settings,
    byte[] secret,
    ExecutorService executor,
    int ioThreads,
    String bindHost,
    String advertiseHost,
    boolean inMemory,
    ScheduledExecutorService timers,
    EventListener eventListener) {}
