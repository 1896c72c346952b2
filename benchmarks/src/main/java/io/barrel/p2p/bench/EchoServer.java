package io.barrel.p2p.bench;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The barrel-p2p side of the RPC benchmark's service. */
final class EchoServer implements EchoService {

  @Override
  public byte[] echo(byte[] payload) {
    return payload;
  }

  @Override
  public Flow.Publisher<byte[]> items(int count, int size) {
    byte[] item = new byte[size];
    return subscriber -> subscriber.onSubscribe(new Items(subscriber, item, count));
  }

  /**
   * Emits one shared array {@code count} times, never beyond demand: {@code request} adds demand
   * and whichever thread finds no one emitting drains it (the usual work-in-progress loop), so
   * re-entrant and concurrent requests are both safe.
   */
  private static final class Items implements Flow.Subscription {
    private final Flow.Subscriber<? super byte[]> subscriber;
    private final byte[] item;
    private final int count;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private int sent;
    private volatile boolean cancelled;

    Items(Flow.Subscriber<? super byte[]> subscriber, byte[] item, int count) {
      this.subscriber = subscriber;
      this.item = item;
      this.count = count;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled = true;
        subscriber.onError(new IllegalArgumentException("request(" + n + ") (rule 3.9)"));
        return;
      }
      requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        long r = requested.get();
        long e = 0;
        while (e < r && sent < count && !cancelled) {
          subscriber.onNext(item);
          sent++;
          e++;
        }
        if (sent == count && !cancelled) {
          cancelled = true;
          subscriber.onComplete();
          return;
        }
        if (e != 0) {
          requested.addAndGet(-e);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
