package io.barrel.p2p;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Makes the executor user code runs on (stream acceptors and listeners, later service methods):
 * virtual threads when the JVM has them (21+), otherwise a bounded pool. The project compiles to
 * Java 17 bytecode, so the virtual-thread factory is looked up reflectively.
 */
final class ApplicationExecutors {

  private ApplicationExecutors() {}

  static ExecutorService create() {
    try {
      Method m = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException e) {
      int threads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
      ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(100_000), P2pNode.daemonThreads("barrel-p2p-app"));
      pool.allowCoreThreadTimeOut(true);
      return pool;
    }
  }
}
