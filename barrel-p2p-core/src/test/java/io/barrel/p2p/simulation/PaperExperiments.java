package io.barrel.p2p.simulation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs every experiment of the two papers for each seed of a {@link SimulationSettings}, seeds
 * side by side on a few threads. Each seed's runs are single-threaded and deterministic, so the
 * results do not depend on the thread count; threads only share out independent work. The
 * longest tasks are started first (the churn experiment, then the overlay builds) so the run ends
 * evenly on every thread.
 */
final class PaperExperiments {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private PaperExperiments() {}

  /** One seed's work, ordered so that the longest tasks start first. */
  private static final class Task implements Runnable, Comparable<Task> {
    private static final AtomicLong ORDER = new AtomicLong();
    final int priority;
    final long order = ORDER.getAndIncrement();
    final Runnable work;

    Task(int priority, Runnable work) {
      this.priority = priority;
      this.work = work;
    }

    @Override
    public void run() {
      work.run();
    }

    @Override
    public int compareTo(Task other) {
      return priority != other.priority ? Integer.compare(priority, other.priority) : Long.compare(order, other.order);
    }
  }

  static List<SeedResult> run(SimulationSettings settings, int threads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new PriorityBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "simulation");
          t.setDaemon(true);
          return t;
        });
    try {
      List<CompletableFuture<SeedResult>> seeds = new ArrayList<>();
      for (int s = 0; s < settings.seeds(); s++) {
        long seed = settings.firstSeed() + s;
        seeds.add(runSeed(settings, seed, pool));
      }
      List<SeedResult> out = new ArrayList<>();
      for (CompletableFuture<SeedResult> f : seeds) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("simulation interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a simulation task failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static CompletableFuture<SeedResult> runSeed(SimulationSettings settings, long seed,
      ThreadPoolExecutor pool) {
    long[] millis = new long[4];
    record Built(OverlayProperties.Result overlay, OverlaySnapshot snapshot) {}
    CompletableFuture<Built> built = submit(pool, 1, () -> {
      long t0 = cpuNanos();
      Simulator sim = OverlayBuild.run(settings, seed);
      OverlayProperties.Result overlay = OverlayProperties.measure(sim, settings, seed);
      OverlaySnapshot snapshot = OverlaySnapshot.capture(sim);
      millis[0] = (cpuNanos() - t0) / 1_000_000;
      return new Built(overlay, snapshot);
    });
    CompletableFuture<PlumtreeChurn.Result> churn = built.thenCompose(b -> submit(pool, 0, () -> {
      long t0 = cpuNanos();
      PlumtreeChurn.Result r = PlumtreeChurn.run(b.snapshot, settings, seed);
      millis[3] = (cpuNanos() - t0) / 1_000_000;
      return r;
    }));
    CompletableFuture<List<FailureReliability.Level>> failures = built.thenCompose(b -> submit(pool, 2, () -> {
      long t0 = cpuNanos();
      List<FailureReliability.Level> r = FailureReliability.run(b.snapshot, settings, seed);
      millis[1] = (cpuNanos() - t0) / 1_000_000;
      return r;
    }));
    CompletableFuture<PlumtreeRedundancy> redundancy = built.thenCompose(b -> submit(pool, 3, () -> {
      long t0 = cpuNanos();
      PlumtreeRedundancy r = PlumtreeRedundancy.run(b.snapshot, settings, seed);
      millis[2] = (cpuNanos() - t0) / 1_000_000;
      return r;
    }));
    return CompletableFuture.allOf(churn, failures, redundancy).thenApply(v -> new SeedResult(seed,
        built.join().overlay, failures.join(), redundancy.join(), churn.join(), millis));
  }

  /**
   * CPU time of the current thread: what an experiment costs, whatever else the machine runs at the
   * same time (wall time would count the waits for a core as well).
   */
  private static long cpuNanos() {
    return CPU.getCurrentThreadCpuTime();
  }

  private static <T> CompletableFuture<T> submit(ThreadPoolExecutor pool, int priority, Supplier<T> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    pool.execute(new Task(priority, () -> {
      try {
        out.complete(work.get());
      } catch (Throwable t) {
        out.completeExceptionally(t);
      }
    }));
    return out;
  }
}
