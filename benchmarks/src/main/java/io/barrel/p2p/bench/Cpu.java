package io.barrel.p2p.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of this JVM's Java threads: on a shared host, CPU per operation is steadier than wall
 * time, since other tenants' load stretches the wall clock far more than it changes the work done.
 * JIT compiler and GC threads are not Java threads and are left out, so a compilation still running
 * after the warm-up does not count against whichever stack happens to be measured.
 */
final class Cpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Cpu() {}

  /** Sum of CPU nanoseconds of the live Java threads (threads that ended are not counted). */
  static long javaThreadsNanos() {
    long sum = 0;
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }
}
