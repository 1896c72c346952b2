package io.barrel.p2p.bench;

import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.metrics.Metrics;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A metrics sink that keeps the successful server-side Ed25519 handshake durations (from the
 * handshake stream's arrival to the client's RESPONSE verified), so a connect can be split into
 * QUIC and auth. The server's side, because the dialer's own handshake only completes with OK,
 * after its connection is already in use (and often closed, here).
 */
final class AuthTimes implements Metrics {

  private final Samples serverOk = new Samples(1024);
  private boolean recording;

  synchronized void recording(boolean on) {
    recording = on;
  }

  synchronized Samples snapshot() {
    Samples copy = new Samples(serverOk.size());
    copy.addAll(serverOk);
    return copy;
  }

  @Override
  public void add(MeterName meter, long amount, String... tagValues) {}

  @Override
  public synchronized void record(MeterName meter, Duration duration, String... tagValues) {
    if (recording && meter == MeterName.AUTH_DURATION && tagValues.length == 2
        && tagValues[0].equals("server") && tagValues[1].equals("ok")) {
      serverOk.add(duration.toNanos());
    }
  }

  @Override
  public void gauge(MeterName meter, Supplier<Number> value, String... tagValues) {}
}
