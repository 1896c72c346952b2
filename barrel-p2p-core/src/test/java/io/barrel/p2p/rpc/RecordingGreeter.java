package io.barrel.p2p.rpc;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Greeter} that records what it was asked and how calls ended, for assertions. */
public final class RecordingGreeter implements Greeter {

  final String node;
  final AtomicInteger calls = new AtomicInteger();
  final ConcurrentHashMap<String, Integer> touched = new ConcurrentHashMap<>();
  final AtomicInteger interrupted = new AtomicInteger();
  final AtomicInteger slowStarted = new AtomicInteger();
  final AtomicInteger emitted = new AtomicInteger();
  final AtomicBoolean streamCancelled = new AtomicBoolean();
  volatile long extraDelayMillis;

  RecordingGreeter(String node) {
    this.node = node;
  }

  @Override
  public String greet(String name) {
    calls.incrementAndGet();
    return "hello " + name + " from " + node;
  }

  @Override
  public CompletableFuture<String> greetLater(String name) {
    calls.incrementAndGet();
    return CompletableFuture.supplyAsync(() -> "later " + name);
  }

  @Override
  public void touch(String key) {
    calls.incrementAndGet();
    touched.merge(key, 1, Integer::sum);
  }

  @Override
  public void fire(String key) {
    calls.incrementAndGet();
    touched.merge(key, 1, Integer::sum);
  }

  @Override
  public Flow.Publisher<Integer> count(int n) {
    calls.incrementAndGet();
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private int next;
      private boolean done;

      @Override
      public synchronized void request(long k) {
        for (long i = 0; i < k && !done; i++) {
          if (next == n) {
            done = true;
            subscriber.onComplete();
            return;
          }
          emitted.incrementAndGet();
          subscriber.onNext(next++);
        }
        if (next == n && !done) {
          done = true;
          subscriber.onComplete();
        }
      }

      @Override
      public synchronized void cancel() {
        done = true;
        streamCancelled.set(true);
      }
    });
  }

  @Override
  public String slow(long millis) {
    calls.incrementAndGet();
    slowStarted.incrementAndGet();
    try {
      Thread.sleep(millis);
      return "slept " + millis;
    } catch (InterruptedException e) {
      interrupted.incrementAndGet();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Override
  public String fail(String message) throws GreeterException {
    calls.incrementAndGet();
    throw new GreeterException(message);
  }

  @Override
  public String failUndeclared(String message) {
    calls.incrementAndGet();
    throw new IllegalStateException(message);
  }

  @Override
  public byte[] blob(int size) {
    calls.incrementAndGet();
    return new byte[size];
  }

  @Override
  public int size(byte[] data) {
    calls.incrementAndGet();
    return data.length;
  }

  @Override
  public String whoAmI() {
    calls.incrementAndGet();
    pause(extraDelayMillis);
    return node;
  }

  @Override
  public String whoAmISlowly(long millis) {
    calls.incrementAndGet();
    slowStarted.incrementAndGet();
    pause(millis);
    return node;
  }

  @Override
  public String whoAmISlowlyIdempotent(long millis) {
    return whoAmISlowly(millis);
  }

  @Override
  public String whoCalls() {
    calls.incrementAndGet();
    return RpcContext.current().map(c -> c.caller() + "|" + c.headers().get("x-trace") + "|" + c.method())
        .orElse("local");
  }

  @Override
  public List<Greeting> echo(List<Greeting> greetings) {
    calls.incrementAndGet();
    return greetings;
  }

  private static void pause(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
