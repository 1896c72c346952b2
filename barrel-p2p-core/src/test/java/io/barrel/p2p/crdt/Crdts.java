package io.barrel.p2p.crdt;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Shared fixtures of the crdt tests: names, a settable clock, replicas, codecs. */
final class Crdts {

  static final CrdtConfig CONFIG = CrdtConfig.defaults();
  static final OrMapCodec<ServiceInstance> CODEC = new OrMapCodec<>(ServiceInstance.CODEC, CONFIG);
  /** Small bounds, so tests and the fuzzer reach every limit with short inputs. */
  static final CrdtConfig SMALL = CrdtConfig.defaults().withLimits(8, 16, 64, 2048, 16, 4);
  static final OrMapCodec<ServiceInstance> SMALL_CODEC = new OrMapCodec<>(ServiceInstance.CODEC, SMALL);
  /** Around 2023-11-14, so counters look like real packed HLC readings. */
  static final long EPOCH = 1_700_000_000_000L;

  private Crdts() {}

  static NodeName node(String name) {
    return NodeName.of(name + "@h");
  }

  static ServiceInstance instance(String id) {
    return new ServiceInstance(id, 8080);
  }

  /** A physical clock the test moves by hand. */
  static final class ManualClock implements LongSupplier {
    long millis;

    ManualClock(long millis) {
      this.millis = millis;
    }

    @Override
    public long getAsLong() {
      return millis;
    }

    void advance(long by) {
      millis += by;
    }
  }

  /** One replica with its own clock and counters. */
  static final class Replica {
    final ManualClock time;
    final CrdtStats stats = new CrdtStats();
    final HybridLogicalClock clock;
    final OrMap<ServiceInstance> map;

    Replica(String name, long millis, OrMapCodec<ServiceInstance> codec) {
      time = new ManualClock(millis);
      clock = new HybridLogicalClock(time, codec.config().maxClockOffset(), stats);
      map = new OrMap<>(node(name), clock, codec, stats);
    }

    NodeName name() {
      return map.self();
    }
  }

  static Replica replica(String name) {
    return new Replica(name, EPOCH, CODEC);
  }

  static List<Replica> replicas(String... names) {
    List<Replica> out = new ArrayList<>();
    for (String name : names) {
      out.add(replica(name));
    }
    return out;
  }

  static HybridLogicalClock clock(LongSupplier physical) {
    return new HybridLogicalClock(physical, Duration.ofSeconds(60), new CrdtStats());
  }

  /** The join of all fragments, starting from nothing. */
  static <V> OrMapDelta<V> joinAll(List<OrMapDelta<V>> fragments) {
    OrMapDelta<V> out = OrMapDelta.empty();
    for (OrMapDelta<V> fragment : fragments) {
      out = out.join(fragment);
    }
    return out;
  }
}
