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
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Runs every experiment of the two papers for each seed of a {@link SimulationSettings} on a few
 * threads. A seed's overlay build comes first; every experiment then starts from its own copy of
 * the built overlay, so each (the churn run, the stable Plumtree run, and each failure rate's burst
 * and healing runs) is a task of its own. Every task is single-threaded and draws its randomness
 * from the seed and what it measures, never from the order tasks run in, so the results do not
 * depend on the thread count; threads only share out independent work. The longest tasks are
 * started first (the churn runs, then the builds) and the many short ones fill the ends, so the
 * run ends evenly on every thread.
 */
final class PaperExperiments {

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  // Task priorities, longest tasks first: a churn run takes about twice a build, a build about ten
  // times any other task, so the small tasks are left to fill the threads' ends evenly.
  private static final int CHURN = 0;
  private static final int BUILD = 1;
  private static final int REDUNDANCY = 2;
  private static final int FAILURES = 3;

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
    // CPU time per experiment: build, failures (summed over its tasks), redundancy, churn.
    AtomicLongArray millis = new AtomicLongArray(4);
    record Built(OverlayProperties.Result overlay, OverlaySnapshot snapshot) {}
    CompletableFuture<Built> built = submit(pool, BUILD, millis, 0, () -> {
      Simulator sim = OverlayBuild.run(settings, seed);
      return new Built(OverlayProperties.measure(sim, settings, seed), OverlaySnapshot.capture(sim));
    });
    CompletableFuture<PlumtreeChurn.Result> churn = built.thenCompose(b -> submit(pool, CHURN, millis, 3,
        () -> PlumtreeChurn.run(b.snapshot, settings, seed)));
    CompletableFuture<PlumtreeRedundancy> redundancy = built.thenCompose(b -> submit(pool, REDUNDANCY, millis, 2,
        () -> PlumtreeRedundancy.run(b.snapshot, settings, seed)));
    // Each failure rate's burst and healing runs start from their own copy of the overlay, with
    // randomness derived from the seed and the rate: separate tasks, so they fill the threads'
    // idle ends whatever order they run in.
    List<CompletableFuture<FailureReliability.Level>> levels = new ArrayList<>();
    for (int percent : settings.failurePercents()) {
      CompletableFuture<double[]> burst = built.thenCompose(b -> submit(pool, FAILURES, millis, 1,
          () -> FailureReliability.burst(b.snapshot, settings, seed, percent)));
      CompletableFuture<double[]> healing = built.thenCompose(b -> submit(pool, FAILURES, millis, 1,
          () -> FailureReliability.healing(b.snapshot, settings, seed, percent)));
      levels.add(burst.thenCombine(healing, (bu, he) -> FailureReliability.level(settings, percent, bu, he)));
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[levels.size() + 2];
    all[0] = churn;
    all[1] = redundancy;
    for (int i = 0; i < levels.size(); i++) {
      all[i + 2] = levels.get(i);
    }
    return CompletableFuture.allOf(all).thenApply(v -> {
      List<FailureReliability.Level> failures = new ArrayList<>();
      for (CompletableFuture<FailureReliability.Level> level : levels) {
        failures.add(level.join());
      }
      long[] cpu = new long[millis.length()];
      for (int i = 0; i < cpu.length; i++) {
        cpu[i] = millis.get(i) / 1_000_000;
      }
      return new SeedResult(seed, built.join().overlay, failures, redundancy.join(), churn.join(), cpu);
    });
  }

  /**
   * CPU time of the current thread: what an experiment costs, whatever else the machine runs at the
   * same time (wall time would count the waits for a core as well).
   */
  private static long cpuNanos() {
    return CPU.getCurrentThreadCpuTime();
  }

  /**
   * Queues {@code work} at {@code priority} (lower first); the CPU time it takes is added to
   * {@code cpu[experiment]}, in nanoseconds.
   */
  private static <T> CompletableFuture<T> submit(ThreadPoolExecutor pool, int priority, AtomicLongArray cpu,
      int experiment, Supplier<T> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    pool.execute(new Task(priority, () -> {
      long t0 = cpuNanos();
      try {
        T result = work.get();
        cpu.addAndGet(experiment, cpuNanos() - t0);
        out.complete(result);
      } catch (Throwable t) {
        out.completeExceptionally(t);
      }
    }));
    return out;
  }
}
