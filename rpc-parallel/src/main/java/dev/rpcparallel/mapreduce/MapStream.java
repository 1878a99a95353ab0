package dev.rpcparallel.mapreduce;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The lazy output of a map job, read by pulling: results arrive while the job runs, and a
 * consumer that falls behind makes the job pause (the workers stop being fed) rather than
 * buffer without bound. {@link #hasNext()} blocks until a result, the end, or the job's failure
 * (thrown: an {@link InputFailedException}, with the input's index, if the function threw; an {@link dev.rpcparallel.RpcParallelException} if a worker was lost and retries were
 * off or ran out). {@link #close()} before the end stops the job, and ends the workers if the
 * job started them; after it, {@link #hasNext()} is false. Not thread-safe: one consumer thread;
 * {@link #close()} may come from any. When the job fails, results already queued are delivered
 * first; results not yet queued then (in flight, or held back for order) are dropped.
 *
 * @param <T> the results
 */
public interface MapStream<T> extends Iterator<T>, AutoCloseable {

  /** Stops the job if it has not ended (and ends the workers it started); idempotent. */
  @Override
  void close();

  /** A sequential stream over the remaining results; closing it closes this. */
  default Stream<T> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false)
        .onClose(this::close);
  }
}
