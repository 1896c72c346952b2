package io.barrel.p2p.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** Plain-text output of the benchmark mains: aligned lines, ratios, the host's load. */
final class Report {

  private Report() {}

  static void header(String benchmark, Knobs knobs) {
    System.out.println("=== " + benchmark + " ===");
    System.out.println("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, load average at start " + load());
    if (knobs != null) {
      System.out.println("barrel transport: " + knobs.label());
    }
  }

  static void section(String title) {
    System.out.println();
    System.out.println("--- " + title);
  }

  static void line(String label, String value) {
    System.out.printf(Locale.ROOT, "%-40s %s%n", label, value);
  }

  /** {@code a / b} with two decimals. */
  static void ratio(String label, double a, double b) {
    line(label, String.format(Locale.ROOT, "%.2fx", a / b));
  }

  static void footer() {
    System.out.println();
    System.out.println("load average at end " + load());
  }

  static String load() {
    return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
