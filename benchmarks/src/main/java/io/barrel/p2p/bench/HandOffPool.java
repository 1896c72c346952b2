package io.barrel.p2p.bench;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An executor built the way the node builds its application executor (virtual threads on Java 21+,
 * otherwise a bounded pool), for measuring the bare cost of handing work to it.
 */
final class HandOffPool {

  private HandOffPool() {}

  static ExecutorService likeApplicationExecutor() {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      int threads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
      return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100_000));
    }
  }
}
