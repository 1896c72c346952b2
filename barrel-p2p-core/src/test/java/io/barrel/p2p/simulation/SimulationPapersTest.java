package io.barrel.p2p.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The papers' acceptance bands at the size {@code ./mvnw verify} can afford: 1,000 nodes, 5 seeds
 * (the full 10,000-node run is {@code -Psimulation}, see docs/simulation.md). Size-dependent bands
 * are moved as {@link Bands} explains. Five seeds, not fewer, because at 90 % and 95 % failures only
 * 100 and 50 nodes survive at this size, and one unlucky node moves a seed's reliability by 1 to 2
 * points: the bands are about the mean, which needs the seeds.
 *
 * <p>One simulation serves every test; it also writes its CSV files and page to
 * {@code target/simulation/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulationPapersTest {

  private static final int NODES = 1_000;
  private static final int SEEDS = 5;

  private SimulationSettings settings;
  private List<Bands.Band> bands;

  @BeforeAll
  void simulate() {
    settings = SimulationSettings.papers(NODES, SEEDS);
    long start = System.nanoTime();
    List<SeedResult> seeds = PaperExperiments.run(settings, 2);
    long wall = (System.nanoTime() - start) / 1_000_000;
    Path out = Path.of("target", "simulation");
    SimulationReport.writeCsv(settings, seeds, out);
    SimulationReport.writePage(settings, seeds, out.resolve("simulation.md"),
        "flock /tmp/mvn.lock ./mvnw -B -o -q -pl barrel-p2p-core test -Dtest=SimulationPapersTest", out.toString(),
        wall, 2);
    bands = Bands.evaluate(settings, seeds);
  }

  private void assertMet(Predicate<String> metric) {
    List<Bands.Band> selected = bands.stream().filter(b -> metric.test(b.metric())).toList();
    assertThat(selected).as("bands selected").isNotEmpty();
    assertThat(selected).as("bands at %,d nodes over %d seeds", NODES, SEEDS).allSatisfy(b ->
        assertThat(b.met()).as("%s: measured %s, band %s", b.metric(), b.measured(), b.band()).isTrue());
  }

  @Test
  void theActiveViewGraphHasThePapersShape() {
    assertMet(m -> m.startsWith("average shortest path") || m.startsWith("clustering")
        || m.startsWith("nodes with in-degree = active size") || m.startsWith("max hops of a flood"));
  }

  /**
   * No node ends with fewer than 3 links. Under the paper's rule (HIGH priority only from an empty
   * view) some seeds left one node with two links; HyParView's active floor (3 of 5) fixes that.
   */
  @Test
  void noNodeIsLeftBelowInDegreeThree() {
    assertMet(m -> m.startsWith("nodes with in-degree below 3"));
  }

  @Test
  void floodsStayReliableAfterMassFailures() {
    assertMet(m -> m.startsWith("reliability of 1,000 floods"));
  }

  @Test
  void theOverlayRegainsReliabilityWithinTheBandsCycles() {
    assertMet(m -> m.startsWith("cycles to regain"));
  }

  @Test
  void plumtreeSendsEachPayloadOnceAlongAShallowTree() {
    assertMet(m -> m.startsWith("Plumtree RMR") || m.startsWith("flooding RMR") || m.startsWith("payload deliveries")
        || m.startsWith("Plumtree last delivery hop"));
  }

  @Test
  void plumtreeReachesEveryLiveNodeUnderContinuousFailures() {
    assertMet(m -> m.startsWith("Plumtree reliability"));
  }

  @Test
  void everyBandIsMet() {
    assertThat(bands).filteredOn(b -> !b.met()).extracting(Bands.Band::metric).isEmpty();
  }
}
