package dev.rpcparallel.internal.engine;

import dev.rpcparallel.Implementations;
import dev.rpcparallel.OneWay;
import dev.rpcparallel.Pipe;
import dev.rpcparallel.ReversePipe;
import dev.rpcparallel.Rpc;
import dev.rpcparallel.StateRpc;
import dev.rpcparallel.WorkerFunction;
import dev.rpcparallel.codec.Codec;
import dev.rpcparallel.internal.protocol.ErrorCode;
import dev.rpcparallel.internal.protocol.FunctionKind;
import dev.rpcparallel.internal.protocol.Menu;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.InboundStream;
import dev.rpcparallel.internal.session.IncomingCall;
import dev.rpcparallel.internal.session.OutboundStream;
import dev.rpcparallel.internal.session.ServerConnection;
import dev.rpcparallel.internal.session.ServerMethod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import dev.rpcparallel.internal.concurrent.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link Implementations}: each function bound to its handler as a typed {@link
 * Binding}, which makes a {@link ServerMethod} per connection once the connection state exists.
 * No casts: every binding keeps its own type parameters. Filled by one thread, then read-only.
 */
final class MethodTable<S, T> implements Implementations<S, T> {
  private static final Logger log = LoggerFactory.getLogger(MethodTable.class);
  /**
   * Failures no caller will hear of: a peer can provoke them (a query that does not decode, then
   * ABORT), so they are logged at most 10 times a minute, on the handler's thread.
   */
  private static final RateLimitedLog HANDLER_FAILURES = new RateLimitedLog(log, Runnable::run, 10);

  /** One function and its handler; {@link #bind} fixes the states. */
  abstract static class Binding<S, T> {
    final String name;
    final String signature;
    final FunctionKind kind;

    Binding(WorkerFunction<?> f, FunctionKind kind) {
      this.name = f.name();
      this.signature = f.signature();
      this.kind = kind;
    }

    abstract ServerMethod bind(S workerState, T connectionState, ServerConnection connection);

    /** A method whose work is {@code run}, for the kinds that need no streams registered early. */
    final ServerMethod method(java.util.function.Function<IncomingCall, Runnable> accept) {
      return method(accept, false);
    }

    /** Same, run on the link thread if {@code direct}. */
    final ServerMethod method(java.util.function.Function<IncomingCall, Runnable> accept, boolean direct) {
      return new ServerMethod() {
        @Override
        public boolean direct() {
          return direct;
        }

        @Override
        public String name() {
          return name;
        }

        @Override
        public FunctionKind kind() {
          return kind;
        }

        @Override
        public Runnable accept(IncomingCall call) {
          return accept.apply(call);
        }
      };
    }
  }

  private final List<Binding<S, T>> bindings = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  private MethodTable<S, T> add(WorkerFunction<?> f, Object handler, Binding<S, T> binding) {
    Objects.requireNonNull(f, "function");
    Objects.requireNonNull(handler, "handler");
    if (f.isClientOnly()) {
      throw new IllegalArgumentException(
          "function '" + f.name() + "' was made by map/contraMap; implement the original handle instead");
    }
    if (!names.add(f.name())) {
      throw new IllegalArgumentException("duplicate function name '" + f.name() + "' in the implementation table");
    }
    bindings.add(binding);
    return this;
  }

  List<Binding<S, T>> bindings() {
    return bindings;
  }

  /** Menu entries for the bindings, from index 0. */
  List<Menu.Entry> menuEntries() {
    List<Menu.Entry> out = new ArrayList<>();
    for (int i = 0; i < bindings.size(); i++) {
      out.add(new Menu.Entry(i, bindings.get(i).name, bindings.get(i).signature));
    }
    return out;
  }

  @Override
  public <Q, R> Implementations<S, T> rpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler) {
    return rpc(f, handler, false);
  }

  @Override
  public <Q, R> Implementations<S, T> directRpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler) {
    return rpc(f, handler, true);
  }

  private <Q, R> Implementations<S, T> rpc(Rpc<?, Q, R> f, RpcHandler<S, T, Q, R> handler, boolean direct) {
    return add(f, handler, new Binding<>(f, FunctionKind.RPC) {
      @Override
      ServerMethod bind(S ws, T cs, ServerConnection connection) {
        Codec<Q> query = f.queryCodec();
        Codec<R> response = f.responseCodec();
        return method(call -> () -> {
          try {
            call.reply(response, handler.handle(ws, cs, call.query(query)));
          } catch (Throwable t) {
            call.fail(t);
          }
        }, direct);
      }
    });
  }

  @Override
  public <Q> Implementations<S, T> oneWay(OneWay<?, Q> f, OneWayHandler<S, T, Q> handler) {
    return add(f, handler, new Binding<>(f, FunctionKind.ONE_WAY) {
      @Override
      ServerMethod bind(S ws, T cs, ServerConnection connection) {
        Codec<Q> query = f.queryCodec();
        return method(call -> () -> {
          Q q;
          try {
            q = call.query(query);
          } catch (WireException e) {
            connection.close(ErrorCode.PROTOCOL_ERROR, e.getMessage());
            return;
          }
          try {
            handler.handle(ws, cs, q);
          } catch (Throwable t) {
            // As the original: a one-way's exception closes its connection with the error.
            HANDLER_FAILURES.warn("one-way function '" + name + "' threw; closing its connection: " + t);
            connection.close(ErrorCode.HANDLER_FAILED, "one-way function '" + name + "' threw " + t);
          }
        });
      }
    });
  }

  @Override
  public <Q, R> Implementations<S, T> pipe(Pipe<?, Q, R> f, PipeHandler<S, T, Q, R> handler) {
    return add(f, handler, new Binding<>(f, FunctionKind.PIPE) {
      @Override
      ServerMethod bind(S ws, T cs, ServerConnection connection) {
        Codec<Q> query = f.queryCodec();
        Codec<R> item = f.itemCodec();
        return method(call -> {
          OutboundStream<R> out = call.outbound(item);
          return () -> {
            try {
              handler.handle(ws, cs, call.query(query), StreamAdapters.writer(out));
            } catch (Throwable t) {
              failStream(out, t, name);
            }
          };
        });
      }
    });
  }

  @Override
  public <Q, St, U> Implementations<S, T> state(StateRpc<?, Q, St, U> f, StateHandler<S, T, Q, St, U> handler) {
    return add(f, handler, new Binding<>(f, FunctionKind.STATE) {
      @Override
      ServerMethod bind(S ws, T cs, ServerConnection connection) {
        Codec<Q> query = f.queryCodec();
        Codec<St> state = f.stateCodec();
        Codec<U> update = f.updateCodec();
        return method(call -> {
          OutboundStream<U> out = call.outbound(update);
          out.defer(); // updates written before the state is sent wait for it, without credit
          return () -> {
            St st;
            try {
              st = handler.handle(ws, cs, call.query(query), StreamAdapters.writer(out));
            } catch (Throwable t) {
              call.fail(t); // before abandoning the stream: that ends the call, and would drop the error
              out.abandon(); // the caller gets the error instead of a state: no updates follow
              return;
            }
            if (!call.reply(state, st)) {
              out.abandon();
              return;
            }
            try {
              out.release();
            } catch (RuntimeException e) {
              out.abandon(); // interrupted while the caller was behind: the updates are lost
            }
          };
        });
      }
    });
  }

  @Override
  public <Q, U, R> Implementations<S, T> reversePipe(
      ReversePipe<?, Q, U, R> f, ReversePipeHandler<S, T, Q, U, R> handler) {
    return add(f, handler, new Binding<>(f, FunctionKind.REVERSE_PIPE) {
      @Override
      ServerMethod bind(S ws, T cs, ServerConnection connection) {
        Codec<Q> query = f.queryCodec();
        Codec<U> update = f.updateCodec();
        Codec<R> response = f.responseCodec();
        return method(call -> {
          InboundStream<U> in = call.inbound(update);
          return () -> {
            R result;
            try {
              result = handler.handle(ws, cs, call.query(query), StreamAdapters.reader(in));
            } catch (Throwable t) {
              in.close(); // ABORT (if the updates had not ended) before the answer frees the id
              call.fail(t);
              return;
            }
            in.close(); // likewise: nothing goes out under the id after the answer
            call.reply(response, result);
          };
        });
      }
    });
  }

  /** Ends a pipe's stream with its handler's exception (or the library's error, e.g. a bad query). */
  static void failStream(OutboundStream<?> out, Throwable t, String name) {
    if (out.isClosed()) {
      HANDLER_FAILURES.warn("pipe '" + name + "' threw after its stream closed: " + t);
    } else if (t instanceof WireException e) {
      out.failWith(e.code(), e.getMessage());
    } else {
      out.fail(t);
    }
  }
}
