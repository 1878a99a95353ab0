package dev.rpcparallel.mapreduce;

/**
 * A result of {@link MapReduce#mapUnordered} with the position of its input.
 *
 * @param index the input's position in the input sequence, from 0
 * @param value the result
 * @param <T> the result type
 */
public record Indexed<T>(long index, T value) {}
