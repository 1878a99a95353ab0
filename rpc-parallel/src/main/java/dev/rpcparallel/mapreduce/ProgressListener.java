package dev.rpcparallel.mapreduce;

/**
 * Receives {@link Progress} reports of a job: at most once per interval while it runs, and once
 * more with {@link Progress#finished()} set when it ends (completely, failed or closed). Called
 * on a library thread, one report at a time; it should return quickly.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Receives one report. If it throws, the exception is logged (SLF4J warning) and the job goes on.
   */
  void onProgress(Progress progress);
}
