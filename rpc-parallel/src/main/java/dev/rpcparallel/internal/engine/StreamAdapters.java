package dev.rpcparallel.internal.engine;

import dev.rpcparallel.StreamReader;
import dev.rpcparallel.StreamWriter;
import dev.rpcparallel.internal.protocol.RemoteFailure;
import dev.rpcparallel.internal.protocol.WireException;
import dev.rpcparallel.internal.session.InboundStream;
import dev.rpcparallel.internal.session.OutboundStream;

/** The public stream types over the session's streams, with failures mapped to public exceptions. */
final class StreamAdapters {
  private StreamAdapters() {}

  static <T> StreamReader<T> reader(InboundStream<T> in) {
    return new StreamReader<>() {
      @Override
      public boolean hasNext() {
        try {
          return in.hasNext();
        } catch (WireException | RemoteFailure e) {
          throw Errors.toApi(e);
        }
      }

      @Override
      public T next() {
        try {
          return in.next();
        } catch (WireException | RemoteFailure e) {
          throw Errors.toApi(e);
        }
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }

  static <T> StreamWriter<T> writer(OutboundStream<T> out) {
    return new StreamWriter<>() {
      @Override
      public boolean write(T item) {
        try {
          return out.write(item);
        } catch (WireException e) {
          throw Errors.toApi(e);
        }
      }

      @Override
      public void close() {
        out.close();
      }

      @Override
      public void fail(Throwable error) {
        out.fail(error);
      }

      @Override
      public boolean isClosed() {
        return out.isClosed();
      }

      @Override
      public void onClose(Runnable action) {
        out.onClose(action);
      }
    };
  }
}
