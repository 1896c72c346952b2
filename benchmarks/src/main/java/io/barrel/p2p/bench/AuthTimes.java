package io.barrel.p2p.bench;

import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A metrics sink that keeps the successful client-side Ed25519 handshake durations (from the
 * handshake stream's start to the peer's OK), so a connect can be split into QUIC and auth.
 */
final class AuthTimes implements Metrics {

  private final Samples clientOk = new Samples(1024);
  private boolean recording;

  synchronized void recording(boolean on) {
    recording = on;
  }

  synchronized Samples snapshot() {
    Samples copy = new Samples(clientOk.size());
    copy.addAll(clientOk);
    return copy;
  }

  @Override
  public void add(MeterName meter, long amount, String... tagValues) {}

  @Override
  public synchronized void record(MeterName meter, Duration duration, String... tagValues) {
    if (recording && meter == MeterName.AUTH_DURATION && tagValues.length == 2
        && tagValues[0].equals("client") && tagValues[1].equals("ok")) {
      clientOk.add(duration.toNanos());
    }
  }

  @Override
  public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {}
}
