package io.barrel.p2p.simulation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The full reproduction of the HyParView and Plumtree papers as a program: runs every experiment
 * for every seed, writes the CSV files and the generated {@code docs/simulation.md}, and prints the
 * verdict of every band. Run it through Maven from the repository root (see docs/simulation.md):
 *
 * <pre>
 * flock /tmp/mvn.lock ./mvnw -B -o -q -pl barrel-p2p-core -Psimulation test
 * </pre>
 *
 * Arguments are {@code key=value}: {@code nodes} (10000), {@code seeds} (5), {@code threads} (2),
 * {@code latency} (one-way link latency range in ms, 20-40), {@code detection} (how a crash is
 * noticed: on-crash or on-use), {@code root} (the repository, for the paths below), {@code csv}
 * (docs/simulation), {@code page} (docs/simulation.md), {@code command} (the command line quoted
 * in the page).
 */
public final class SimulationRun {

  private SimulationRun() {}

  public static void main(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("nodes", "10000");
    options.put("seeds", "5");
    options.put("threads", "2");
    options.put("latency", "20-40");
    options.put("detection", "on-crash");
    options.put("root", ".");
    options.put("csv", "docs/simulation");
    options.put("page", "docs/simulation.md");
    options.put("command", "flock /tmp/mvn.lock ./mvnw -B -o -q -pl barrel-p2p-core -Psimulation test");
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      if (eq < 0 || !options.containsKey(key)) {
        throw new IllegalArgumentException("unknown argument '" + arg + "'; known: " + options.keySet()
            + " as key=value");
      }
      options.put(key, arg.substring(eq + 1));
    }
    String[] latency = options.get("latency").split("-");
    SimulationSettings settings = SimulationSettings.papers(Integer.parseInt(options.get("nodes")),
            Integer.parseInt(options.get("seeds")))
        .withLatency(Integer.parseInt(latency[0]), Integer.parseInt(latency[latency.length - 1]))
        .withCrashDetection(SimNetwork.CrashDetection.valueOf(
            options.get("detection").toUpperCase(Locale.ROOT).replace('-', '_')));
    int threads = Integer.parseInt(options.get("threads"));
    Path root = Path.of(options.get("root"));

    System.out.printf(Locale.ROOT, "simulating %,d nodes, %d seeds on %d threads, links %d-%d ms, crashes noticed %s"
        + "...%n", settings.nodes(), settings.seeds(), threads, settings.minLatencyMillis(), settings.maxLatencyMillis(),
        settings.crashDetection());
    long start = System.nanoTime();
    List<SeedResult> seeds = PaperExperiments.run(settings, threads);
    long wall = (System.nanoTime() - start) / 1_000_000;

    SimulationReport.writeCsv(settings, seeds, root.resolve(options.get("csv")));
    SimulationReport.writePage(settings, seeds, root.resolve(options.get("page")), options.get("command"),
        options.get("csv"), wall, threads);
    int missed = 0;
    for (Bands.Band band : Bands.evaluate(settings, seeds)) {
      System.out.printf(Locale.ROOT, "%-8s %-70s band %-18s measured %s%n", band.met() ? "met" : "MISSED",
          band.metric(), band.band(), band.measured());
      missed += band.met() ? 0 : 1;
    }
    System.out.printf(Locale.ROOT, "simulation wall time %.1f s; %d band(s) missed; wrote %s and %s%n", wall / 1000.0,
        missed, options.get("page"), options.get("csv"));
  }
}
