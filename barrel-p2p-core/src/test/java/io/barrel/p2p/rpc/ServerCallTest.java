package io.barrel.p2p.rpc;

import static io.barrel.p2p.rpc.ServiceExportTest.CODEC;
import static io.barrel.p2p.rpc.ServiceExportTest.method;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Server streams with demand and cancellation, and cancellation of a method while it runs. */
class ServerCallTest {

  interface Streams {
    Flow.Publisher<Integer> count(int n);

    Flow.Publisher<Integer> overrun(int n);

    Flow.Publisher<Integer> failing(int failAt);

    Flow.Publisher<Integer> deferred(int n);

    Flow.Publisher<byte[]> blobs(int size);

    Flow.Publisher<Integer> none();

    String blocking();

    String selfInterrupt();
  }

  static final class StreamService implements Streams {
    final List<RangePublisher> publishers = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public Flow.Publisher<Integer> count(int n) {
      return keep(new RangePublisher(n, false, -1, false));
    }

    @Override
    public Flow.Publisher<Integer> overrun(int n) {
      return keep(new RangePublisher(n, true, -1, false));
    }

    @Override
    public Flow.Publisher<Integer> failing(int failAt) {
      return keep(new RangePublisher(failAt + 10, false, failAt, false));
    }

    @Override
    public Flow.Publisher<Integer> deferred(int n) {
      return keep(new RangePublisher(n, false, -1, true));
    }

    @Override
    public Flow.Publisher<byte[]> blobs(int size) {
      return subscriber -> new RangePublisher(3, false, -1, false)
          .subscribe(new Flow.Subscriber<Integer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(Integer item) {
              subscriber.onNext(new byte[size]);
            }

            @Override
            public void onError(Throwable t) {
              subscriber.onError(t);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }

    @Override
    public Flow.Publisher<Integer> none() {
      return null;
    }

    @Override
    public String blocking() {
      entered.countDown();
      try {
        release.await();
        return "released";
      } catch (InterruptedException e) {
        interrupted.set(true);
        return "interrupted";
      }
    }

    @Override
    public String selfInterrupt() {
      Thread.currentThread().interrupt();
      return "done";
    }

    private RangePublisher keep(RangePublisher p) {
      publishers.add(p);
      return p;
    }
  }

  /** A synchronous publisher of 0..count-1 that honours demand unless told not to. */
  static final class RangePublisher implements Flow.Publisher<Integer> {
    final int count;
    final boolean ignoreDemand;
    final int failAt;
    final boolean defer;
    volatile boolean cancelled;
    Flow.Subscriber<? super Integer> waiting;

    RangePublisher(int count, boolean ignoreDemand, int failAt, boolean defer) {
      this.count = count;
      this.ignoreDemand = ignoreDemand;
      this.failAt = failAt;
      this.defer = defer;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Integer> subscriber) {
      if (defer) {
        waiting = subscriber;
      } else {
        start(subscriber);
      }
    }

    void startDeferred() {
      start(waiting);
    }

    private void start(Flow.Subscriber<? super Integer> s) {
      s.onSubscribe(new Flow.Subscription() {
        int next;
        long requested;
        boolean emitting;
        boolean done;

        @Override
        public void request(long n) {
          requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
          if (emitting) {
            return;
          }
          emitting = true;
          while (requested > 0 && next < count && !cancelled && !done) {
            requested--;
            if (next == failAt) {
              done = true;
              s.onError(new IllegalStateException("failed at " + next));
              break;
            }
            s.onNext(next++);
          }
          if (next == count && !cancelled && !done) {
            done = true;
            s.onComplete();
          }
          emitting = false;
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      });
      if (ignoreDemand) {
        for (int i = 0; i < count && !cancelled; i++) {
          s.onNext(i);
        }
      }
    }
  }

  private final StreamService service = new StreamService();
  private final ServiceExport export = ServiceExport.of(Streams.class, service, CODEC, RpcLimits.defaults());
  private final List<RpcFrame> replies = Collections.synchronizedList(new ArrayList<>());

  @Test
  void itemsFlowOnlyWithinTheCallersDemandThenTheStreamEnds() {
    ServerCall call = invoke("count", 5);
    assertThat(replies).isEmpty();

    call.demand(2);
    assertThat(items()).containsExactly(0, 1);

    call.demand(10);
    assertThat(items()).containsExactly(0, 1, 2, 3, 4);
    assertThat(replies.get(replies.size() - 1)).isEqualTo(new RpcFrame.StreamEnd(1));
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
  }

  @Test
  void unboundedDemandTakesEverything() {
    ServerCall call = invoke("count", 100);
    call.demand(Long.MAX_VALUE);
    call.demand(Long.MAX_VALUE);

    assertThat(items()).hasSize(100);
    assertThat(call.isDone()).isTrue();
  }

  @Test
  void demandThatArrivesBeforeThePublisherSubscribesIsPassedOnWhenItDoes() {
    ServerCall call = invoke("deferred", 10);
    call.demand(2);
    call.demand(1);

    service.publishers.get(0).startDeferred();

    assertThat(items()).containsExactly(0, 1, 2);
    assertThat(call.isDone()).isFalse();
  }

  @Test
  void cancellingStopsThePublisherAndSendsNothingMore() {
    ServerCall call = invoke("count", 10);
    call.demand(3);

    call.cancel();
    call.demand(5);

    assertThat(items()).containsExactly(0, 1, 2);
    assertThat(replies).hasSize(3);
    assertThat(service.publishers.get(0).cancelled).isTrue();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.CANCELLED);
  }

  @Test
  void expiringAStreamSendsTheDeadlineFailureAndCancelsThePublisher() {
    ServerCall call = invoke("count", 10);
    call.demand(1);

    call.expire();

    assertThat(replies.get(replies.size() - 1)).isInstanceOfSatisfying(RpcFrame.Failure.class,
        f -> assertThat(f.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED));
    assertThat(service.publishers.get(0).cancelled).isTrue();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.EXPIRED);
  }

  @Test
  void aPublisherErrorEndsTheStreamWithTheApplicationFailure() {
    ServerCall call = invoke("failing", 2);
    call.demand(10);

    assertThat(items()).containsExactly(0, 1);
    assertThat(replies.get(2)).isInstanceOfSatisfying(RpcFrame.Failure.class, f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.APPLICATION);
      assertThat(f.message()).isEqualTo("failed at 2");
    });
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.FAILED);
  }

  @Test
  void aPublisherThatIgnoresDemandIsStoppedWithAnInternalFailure() {
    ServerCall call = invoke("overrun", 10);

    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class, f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.INTERNAL);
      assertThat(f.message()).contains("more items than the caller requested");
    });
    assertThat(service.publishers.get(0).cancelled).isTrue();
    assertThat(call.isDone()).isTrue();
  }

  @Test
  void anItemOverTheMessageLimitEndsTheStreamWithPayloadTooLarge() {
    ServiceExport small = ServiceExport.of(Streams.class, service, CODEC, RpcLimits.defaults().withMaxFrameBytes(1024));
    ServerCall call = small.invoke(request("blobs", 2000), replies::add);
    call.demand(3);

    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class,
        f -> assertThat(f.kind()).isEqualTo(FailureKind.PAYLOAD_TOO_LARGE));
  }

  @Test
  void aNullPublisherIsAnInternalFailure() {
    invoke("none");

    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class,
        f -> assertThat(f.message()).contains("returned null instead of a Publisher"));
  }

  @Test
  void demandMustBePositive() {
    ServerCall call = invoke("count", 1);
    assertThatThrownBy(() -> call.demand(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancellingARunningMethodInterruptsItAndTheInterruptDoesNotOutliveTheCall() throws InterruptedException {
    ServerCall call = export.accept(request("blocking"), replies::add);
    AtomicBoolean flagAfter = new AtomicBoolean(true);
    Thread runner = new Thread(() -> {
      call.run();
      flagAfter.set(Thread.currentThread().isInterrupted());
    });
    runner.start();
    assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();

    call.cancel();
    runner.join(10_000);

    assertThat(runner.isAlive()).isFalse();
    assertThat(service.interrupted).isTrue();
    assertThat(flagAfter).as("interrupt flag left on the thread").isFalse();
    assertThat(replies).isEmpty();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.CANCELLED);
  }

  @Test
  void expiringARunningMethodSendsTheDeadlineFailureAtOnceAndInterruptsIt() throws InterruptedException {
    ServerCall call = export.accept(request("blocking"), replies::add);
    Thread runner = new Thread(call::run);
    runner.start();
    assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();

    call.expire();

    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class,
        f -> assertThat(f.kind()).isEqualTo(FailureKind.DEADLINE_EXCEEDED));
    runner.join(10_000);
    await().atMost(Duration.ofSeconds(10)).untilTrue(service.interrupted);
    assertThat(replies).hasSize(1);
  }

  @Test
  void anInterruptTheCallDidNotMakeIsLeftAlone() throws InterruptedException {
    ServerCall call = export.accept(request("selfInterrupt"), replies::add);
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread runner = new Thread(() -> {
      call.run();
      flagAfter.set(Thread.currentThread().isInterrupted());
    });
    runner.start();
    runner.join(10_000);

    assertThat(flagAfter).isTrue();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
  }

  private List<Integer> items() {
    Method m = method(Streams.class, "count");
    return replies.stream().filter(f -> f instanceof RpcFrame.StreamItem)
        .map(f -> (Integer) CODEC.decodeResult(m, ((RpcFrame.StreamItem) f).value())).collect(Collectors.toList());
  }

  private ServerCall invoke(String name, Object... arguments) {
    return export.invoke(request(name, arguments), replies::add);
  }

  private RpcFrame.Request request(String name, Object... arguments) {
    Method m = method(Streams.class, name);
    return new RpcFrame.Request(1, export.service(), MethodId.of(m), RpcMethod.of(m).callMode(), 0, Map.of(),
        CODEC.encodeArguments(m, arguments));
  }
}
