package dev.rpcparallel.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves rpc-parallel processes, threads or sockets behind (see {@link Leaks}),
 * for tests that manage their own {@code RpcParallel}:
 *
 * <pre>{@code
 * @ExtendWith(NoLeaks.class)
 * class MyTest { ... }
 * }</pre>
 */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoLeaks.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("snapshot", Leaks.snapshot());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    Leaks before = context.getStore(NS).get("snapshot", Leaks.class);
    if (before != null) {
      before.check();
    }
  }
}
