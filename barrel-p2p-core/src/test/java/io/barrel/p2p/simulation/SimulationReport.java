package io.barrel.p2p.simulation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's results: one CSV file per table or figure of the papers, and a Markdown page that
 * puts the band, the papers' statement and this project's value side by side, with the command
 * that produced them. The page's fixed text (the methodology) comes from a template next to this
 * class, so the numbers are the only generated part.
 */
final class SimulationReport {

  private static final String TEMPLATE = "simulation.md.template";

  private SimulationReport() {}

  /** Writes the CSV files into {@code dir}. */
  static void writeCsv(SimulationSettings settings, List<SeedResult> seeds, Path dir) {
    try {
      Files.createDirectories(dir);
      overlay(seeds, dir.resolve("hyparview-overlay-properties.csv"));
      inDegree(seeds, dir.resolve("hyparview-in-degree-distribution.csv"));
      reliability(settings, seeds, dir.resolve("hyparview-reliability-after-failures.csv"));
      firstMessages(settings, seeds, dir.resolve("hyparview-reliability-first-messages.csv"));
      healing(settings, seeds, dir.resolve("hyparview-healing-time.csv"));
      redundancy(seeds, dir.resolve("plumtree-stable-redundancy.csv"));
      churn(settings, seeds, dir.resolve("plumtree-churn-reliability.csv"));
      timing(seeds, dir.resolve("simulation-cost.csv"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the simulation's CSV files to " + dir, e);
    }
  }

  /** The run's cost against the 60 s target: CPU time in all, the floor it sets on the threads, the wall time. */
  private static String runtime(List<SeedResult> seeds, long wallMillis, int threads) {
    long cpu = 0;
    for (SeedResult seed : seeds) {
      for (long m : seed.millis()) {
        cpu += m;
      }
    }
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format(Locale.ROOT, "The experiments took %.0f s of CPU time in all (%.1f s per seed), so %d"
        + " threads need at least %.0f s; %s this run took %.1f s of wall time, and the machine's load average was"
        + " %.1f when it ended (the run alone keeps it near %d). The target is %s.", cpu / 1000.0,
        cpu / 1000.0 / seeds.size(), threads, cpu / 1000.0 / threads, overheads(), wallMillis / 1000.0, load,
        threads, wallMillis <= 60_000 ? "met" : "missed");
  }

  /**
   * What the JVM spent besides the experiments, as far as it tells: its whole CPU time, the JIT's
   * compilation time and the garbage collector's pauses (which stop every thread).
   */
  private static String overheads() {
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    long processNanos = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      processNanos = os.getProcessCpuTime();
    }
    return String.format(Locale.ROOT, "the JVM used %.0f s of CPU time in all, of which JIT compilation %.0f s,"
        + " and garbage collection paused the threads for %.1f s;", processNanos / 1e9, jitMillis / 1000.0,
        gcMillis / 1000.0);
  }

  /** Writes the Markdown page from the template. */
  static void writePage(SimulationSettings settings, List<SeedResult> seeds, Path page, String command,
      String csvDir, long wallMillis, int threads) {
    List<Bands.Band> bands = Bands.evaluate(settings, seeds);
    StringBuilder table = new StringBuilder();
    table.append("| metric | papers (10,000 nodes) | band at ").append(String.format(Locale.ROOT, "%,d", settings.nodes()))
        .append(" nodes | this project | |\n|---|---|---|---|---|\n");
    for (Bands.Band b : bands) {
      table.append("| ").append(b.metric()).append(" | ").append(b.paper()).append(" | ").append(b.band()).append(" | ")
          .append(b.measured()).append(" | ").append(b.met() ? "met" : "**missed**").append(" |\n");
    }
    long missed = bands.stream().filter(b -> !b.met()).count();
    StringBuilder run = new StringBuilder();
    run.append(String.format(Locale.ROOT, "%,d nodes, %d seeds (%d..%d), %d threads; wall time %.1f s "
        + "(CPU time per seed: build %s s, failures %s s, Plumtree stable %s s, Plumtree churn %s s). %s",
        settings.nodes(), settings.seeds(), settings.firstSeed(), settings.firstSeed() + settings.seeds() - 1, threads,
        wallMillis / 1000.0, seconds(seeds, 0), seconds(seeds, 1), seconds(seeds, 2), seconds(seeds, 3),
        missed == 0 ? "Every band is met." : missed + " band(s) missed."));
    String text = template()
        .replace("{{command}}", command)
        .replace("{{run}}", run.toString())
        .replace("{{results}}", table.toString().trim())
        .replace("{{csv}}", csvDir)
        .replace("{{failures}}", failureTable(settings, seeds).trim())
        .replace("{{runtime}}", runtime(seeds, wallMillis, threads));
    try {
      Files.createDirectories(page.toAbsolutePath().getParent());
      Files.writeString(page, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + page, e);
    }
  }

  private static String failureTable(SimulationSettings settings, List<SeedResult> seeds) {
    StringBuilder out = new StringBuilder("| failed | mean reliability of the 1,000 floods | first flood | second flood "
        + "| worst seed | cycles to regain (mean) | probe reliability right after the failure |\n"
        + "|---|---|---|---|---|---|---|\n");
    for (int percent : settings.failurePercents()) {
      double mean = Bands.mean(seeds, s -> s.failure(percent).meanReliability());
      double first = Bands.mean(seeds, s -> s.failure(percent).perMessage()[0]);
      double second = Bands.mean(seeds, s -> s.failure(percent).perMessage()[1]);
      double worst = 1;
      boolean healed = true;
      for (SeedResult s : seeds) {
        worst = Math.min(worst, s.failure(percent).meanReliability());
        healed &= s.failure(percent).healingCycles() >= 0;
      }
      double cycles = Bands.mean(seeds, s -> s.failure(percent).healingCycles());
      double before = Bands.mean(seeds, s -> s.failure(percent).healingReliability()[0]);
      out.append("| ").append(percent).append(" % | ").append(Bands.pct(mean, 3)).append(" | ")
          .append(Bands.pct(first, 1)).append(" | ").append(Bands.pct(second, 2)).append(" | ")
          .append(Bands.pct(worst, 3)).append(" | ")
          .append(healed ? Bands.fmt(cycles, 1) : "not within " + settings.healingMaxCycles()).append(" | ")
          .append(Bands.pct(before, 1)).append(" |\n");
    }
    return out.toString();
  }

  private static String seconds(List<SeedResult> seeds, int experiment) {
    return Bands.fmt(Bands.mean(seeds, s -> s.millis()[experiment]) / 1000.0, 1);
  }

  private static String template() {
    try (InputStream in = SimulationReport.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + TEMPLATE + " next to " + SimulationReport.class);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ CSV files

  private static void overlay(List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("seed,average_shortest_path,clustering_coefficient,full_in_degree_fraction,"
        + "min_in_degree,flood_last_hop_mean,flood_last_hop_max,reached_fraction,asymmetric_links,average_passive_view,"
        + "events\n");
    for (SeedResult s : seeds) {
      OverlayProperties.Result o = s.overlay();
      out.append(s.seed()).append(',').append(num(o.averageShortestPath())).append(',')
          .append(num(o.clusteringCoefficient())).append(',').append(num(o.fullInDegreeFraction())).append(',')
          .append(o.minInDegree()).append(',').append(num(o.floodLastHop())).append(',').append(o.floodLastHopMax())
          .append(',').append(num(o.reachedFraction())).append(',').append(o.asymmetricLinks()).append(',')
          .append(num(o.averagePassive())).append(',').append(o.events()).append('\n');
    }
    Files.writeString(file, out);
  }

  private static void inDegree(List<SeedResult> seeds, Path file) throws IOException {
    int max = 0;
    for (SeedResult s : seeds) {
      max = Math.max(max, s.overlay().inDegreeHistogram().length);
    }
    StringBuilder out = new StringBuilder("in_degree");
    for (SeedResult s : seeds) {
      out.append(",nodes_seed_").append(s.seed());
    }
    out.append(",mean_fraction\n");
    for (int d = 0; d < max; d++) {
      out.append(d);
      double fraction = 0;
      for (SeedResult s : seeds) {
        int[] h = s.overlay().inDegreeHistogram();
        int count = d < h.length ? h[d] : 0;
        int total = 0;
        for (int c : h) {
          total += c;
        }
        out.append(',').append(count);
        fraction += count / (double) total;
      }
      out.append(',').append(num(fraction / seeds.size())).append('\n');
    }
    Files.writeString(file, out);
  }

  private static void reliability(SimulationSettings settings, List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("failed_percent,mean_reliability,min_flood_reliability");
    for (SeedResult s : seeds) {
      out.append(",seed_").append(s.seed());
    }
    out.append('\n');
    for (int percent : settings.failurePercents()) {
      double min = 1;
      for (SeedResult s : seeds) {
        min = Math.min(min, s.failure(percent).minReliability());
      }
      out.append(percent).append(',').append(num(Bands.mean(seeds, s -> s.failure(percent).meanReliability())))
          .append(',').append(num(min));
      for (SeedResult s : seeds) {
        out.append(',').append(num(s.failure(percent).meanReliability()));
      }
      out.append('\n');
    }
    Files.writeString(file, out);
  }

  private static void firstMessages(SimulationSettings settings, List<SeedResult> seeds, Path file)
      throws IOException {
    StringBuilder out = new StringBuilder("flood");
    for (int percent : settings.failurePercents()) {
      out.append(",failed_").append(percent).append("_percent");
    }
    out.append('\n');
    int shown = Math.min(50, settings.burstBroadcasts());
    for (int m = 0; m < shown; m++) {
      int message = m;
      out.append(m + 1);
      for (int percent : settings.failurePercents()) {
        out.append(',').append(num(Bands.mean(seeds, s -> s.failure(percent).perMessage()[message])));
      }
      out.append('\n');
    }
    Files.writeString(file, out);
  }

  private static void healing(SimulationSettings settings, List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("failed_percent,mean_cycles_to_regain");
    for (SeedResult s : seeds) {
      out.append(",cycles_seed_").append(s.seed());
    }
    for (int k = 0; k <= settings.healingMaxCycles(); k++) {
      out.append(",probe_reliability_after_").append(k).append("_cycles");
    }
    out.append('\n');
    for (int percent : settings.failurePercents()) {
      boolean healed = true;
      for (SeedResult s : seeds) {
        healed &= s.failure(percent).healingCycles() >= 0;
      }
      out.append(percent).append(',')
          .append(healed ? num(Bands.mean(seeds, s -> s.failure(percent).healingCycles())) : "");
      for (SeedResult s : seeds) {
        int c = s.failure(percent).healingCycles();
        out.append(',').append(c >= 0 ? String.valueOf(c) : "");
      }
      for (int k = 0; k <= settings.healingMaxCycles(); k++) {
        int cycle = k;
        // Once a seed has healed it stops probing; its last value stands for the later cycles.
        out.append(',').append(num(Bands.mean(seeds, s -> {
          double[] r = s.failure(percent).healingReliability();
          return r[Math.min(cycle, r.length - 1)];
        })));
      }
      out.append('\n');
    }
    Files.writeString(file, out);
  }

  private static void redundancy(List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("seed,flood_rmr,flood_last_hop,plumtree_first_rmr,plumtree_rmr,"
        + "plumtree_max_rmr,receivers,min_deliveries,max_deliveries,plumtree_last_hop_mean,plumtree_last_hop_max,"
        + "ihave_per_broadcast,graft_per_broadcast,prune_per_broadcast,prune_first_broadcast\n");
    for (SeedResult s : seeds) {
      PlumtreeRedundancy r = s.redundancy();
      out.append(s.seed()).append(',').append(num(r.floodRedundancy())).append(',').append(r.floodLastHop())
          .append(',').append(num(r.firstRedundancy())).append(',').append(num(r.redundancy())).append(',')
          .append(num(r.maxRedundancy())).append(',').append(r.receivers()).append(',').append(r.minDeliveries())
          .append(',').append(r.maxDeliveries()).append(',').append(num(r.lastHop())).append(',')
          .append(r.maxLastHop()).append(',').append(num(r.ihavePerBroadcast())).append(',')
          .append(num(r.graftsPerBroadcast())).append(',').append(num(r.prunesPerBroadcast())).append(',')
          .append(r.firstPrunes()).append('\n');
    }
    Files.writeString(file, out);
  }

  private static void churn(SimulationSettings settings, List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("broadcast,cycle,mean_reliability,min_reliability\n");
    int count = seeds.get(0).churn().reliability().length;
    for (int b = 0; b < count; b++) {
      int i = b;
      double min = 1;
      for (SeedResult s : seeds) {
        min = Math.min(min, s.churn().reliability()[i]);
      }
      out.append(b + 1).append(',').append(b / settings.churnBroadcastsPerCycle() + 1).append(',')
          .append(num(Bands.mean(seeds, s -> s.churn().reliability()[i]))).append(',').append(num(min)).append('\n');
    }
    Files.writeString(file, out);
  }

  private static void timing(List<SeedResult> seeds, Path file) throws IOException {
    StringBuilder out = new StringBuilder("seed,build_ms,failures_ms,plumtree_stable_ms,plumtree_churn_ms\n");
    for (SeedResult s : seeds) {
      out.append(s.seed());
      for (long ms : s.millis()) {
        out.append(',').append(ms);
      }
      out.append('\n');
    }
    Files.writeString(file, out);
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }
}
