package dev.rpcparallel.internal.pool;

import dev.rpcparallel.codec.BinaryReader;
import dev.rpcparallel.codec.BinaryWriter;
import dev.rpcparallel.codec.Codec;

/**
 * A function with its codecs captured, working on encoded values: what {@link PoolWorker} runs.
 * Failures name the input's index.
 */
abstract class Runner {
  abstract void init(byte[] param, int workerIndex) throws Exception;

  /** Maps every input of {@code b}; the outputs, encoded one after the other. */
  abstract byte[] mapAll(PoolWorker.Batch b) throws Exception;

  /** Maps every input of {@code b} and combines the results left to right; the accumulator. */
  byte[] reduceAll(PoolWorker.Batch b) throws Exception {
    throw new UnsupportedOperationException("a MapFunction does not reduce");
  }

  byte[] combine(byte[] left, byte[] right) throws Exception {
    throw new UnsupportedOperationException("a MapFunction does not combine");
  }

  static <P, I, O> Runner of(PoolFunction.Mapper<P, I, O> f) {
    return new Runner() {
      @Override
      void init(byte[] param, int workerIndex) throws Exception {
        f.init(f.paramCodec().fromBytes(param), workerIndex);
      }

      @Override
      byte[] mapAll(PoolWorker.Batch b) throws Exception {
        BinaryReader in = new BinaryReader(b.items());
        BinaryWriter out = new BinaryWriter(64 + 2 * b.items().length); // outputs are often larger than inputs
        Codec<I> inCodec = f.inputCodec();
        Codec<O> outCodec = f.outputCodec();
        for (int i = 0; i < b.count(); i++) {
          long index = b.firstIndex() + i;
          checkCancelled();
          O o = apply(f::map, inCodec.decode(in), index);
          encode(outCodec, o, out, index);
        }
        in.expectEnd(inCodec.shape());
        return out.toByteArray();
      }
    };
  }

  static <P, I, A> Runner of(PoolFunction.Reducer<P, I, A> f) {
    return new Runner() {
      @Override
      void init(byte[] param, int workerIndex) throws Exception {
        f.init(f.paramCodec().fromBytes(param), workerIndex);
      }

      @Override
      byte[] mapAll(PoolWorker.Batch b) {
        throw new UnsupportedOperationException("a ReduceFunction maps through reduceAll");
      }

      @Override
      byte[] reduceAll(PoolWorker.Batch b) throws Exception {
        BinaryReader in = new BinaryReader(b.items());
        Codec<I> inCodec = f.inputCodec();
        A acc = null;
        for (int i = 0; i < b.count(); i++) {
          long index = b.firstIndex() + i;
          checkCancelled();
          A one = apply(f::map, inCodec.decode(in), index);
          acc = acc == null ? one : f.combine(acc, one);
        }
        in.expectEnd(inCodec.shape());
        return f.accumulatorCodec().toBytes(acc);
      }

      @Override
      byte[] combine(byte[] left, byte[] right) throws Exception {
        Codec<A> codec = f.accumulatorCodec();
        return codec.toBytes(f.combine(codec.fromBytes(left), codec.fromBytes(right)));
      }
    };
  }

  /** A cancelled batch stops between inputs (a function that waits is interrupted too). */
  private static void checkCancelled() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("the batch was cancelled");
    }
  }

  private interface Fn<I, O> {
    O apply(I input) throws Exception;
  }

  private static <I, O> O apply(Fn<I, O> fn, I input, long index) throws Exception {
    try {
      return fn.apply(input);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new FailedInput(index, e);
    }
  }

  private static <O> void encode(Codec<O> codec, O value, BinaryWriter out, long index) {
    try {
      codec.encode(value, out);
    } catch (RuntimeException e) {
      throw new FailedInput(index, e);
    }
  }
}
