package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceCallExecutorTest {

  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final List<ServiceCallExecutor> executors = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void closeExecutors() throws InterruptedException {
    release.countDown();
    for (ServiceCallExecutor e : executors) {
      e.close();
      assertThat(e.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void atMostMaxConcurrentCallsRunAtOnceAndTheRestWait() {
    ServiceCallExecutor executor = executor(2, 10);
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      int id = i;
      assertThat(executor.tryExecute(() -> {
        peak.accumulateAndGet(now.incrementAndGet(), Math::max);
        order.add(id);
        awaitRelease();
        now.decrementAndGet();
      })).isTrue();
    }

    await().atMost(PATIENCE).until(() -> executor.running() == 2);
    assertThat(executor.queued()).isEqualTo(6);
    release.countDown();
    await().atMost(PATIENCE).until(() -> order.size() == 8 && executor.running() == 0);

    assertThat(peak.get()).isEqualTo(2);
    assertThat(order.subList(2, 8)).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7);
    assertThat(executor.queued()).isZero();
  }

  @Test
  void waitingCallsRunInArrivalOrder() {
    ServiceCallExecutor executor = executor(1, 100);
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    executor.tryExecute(this::awaitRelease);
    for (int i = 0; i < 50; i++) {
      int id = i;
      executor.tryExecute(() -> order.add(id));
    }

    release.countDown();
    await().atMost(PATIENCE).until(() -> order.size() == 50);

    assertThat(order).isSorted();
  }

  @Test
  void aCallBeyondTheQueueIsTurnedAwayAtOnce() {
    ServiceCallExecutor executor = executor(1, 2);
    for (int i = 0; i < 3; i++) {
      assertThat(executor.tryExecute(this::awaitRelease)).isTrue();
    }

    assertThat(executor.tryExecute(() -> { })).isFalse();
    assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("1 calls running and 2 queued");
    assertThat(executor.rejectedCount()).isEqualTo(2);

    release.countDown();
    await().atMost(PATIENCE).until(() -> executor.running() == 0 && executor.queued() == 0);
    assertThat(executor.tryExecute(() -> { })).isTrue();
  }

  @Test
  void aFullExecutorBecomesAnOverloadedFailureAndARemoteOverloadedExceptionOnTheCaller() {
    ServiceCallExecutor executor = executor(1, 0);
    assertThat(executor.tryExecute(this::awaitRelease)).isTrue();
    ServiceExport export = ServiceExport.of(Runnable.class, () -> { }, new JacksonCborCodec(), RpcLimits.defaults());
    List<RpcFrame> replies = new ArrayList<>();
    ServerCall call = export.accept(new RpcFrame.Request(4, export.service(),
        MethodId.of(runMethod()), CallMode.UNARY, 0, Map.of(), new byte[] {(byte) 0x80}), replies::add);

    if (!executor.tryExecute(call::run)) {
      call.overloaded(executor.maxConcurrent() + " calls running, " + executor.maxQueued() + " queued");
    }

    RpcFrame.Failure failure = (RpcFrame.Failure) replies.get(0);
    assertThat(failure.kind()).isEqualTo(FailureKind.OVERLOADED);
    assertThat(RemoteErrors.toException(failure, NodeName.of("srv@h"), export.service(), runMethod()))
        .isInstanceOf(RemoteOverloadedException.class)
        .hasMessageContaining("srv@h").hasMessageContaining("1 calls running, 0 queued");
  }

  @Test
  void aCallThatThrowsDoesNotStopTheOnesAfterIt() {
    ServiceCallExecutor executor = executor(1, 10);
    AtomicBoolean ranAfter = new AtomicBoolean();
    Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
    executor.tryExecute(() -> {
      Thread.currentThread().setUncaughtExceptionHandler(quiet);
      throw new IllegalStateException("bug in a task");
    });
    executor.tryExecute(() -> ranAfter.set(true));

    await().atMost(PATIENCE).untilTrue(ranAfter);
  }

  @Test
  void anInterruptLeftByOneCallDoesNotReachTheNext() {
    ServiceCallExecutor executor = executor(1, 10);
    AtomicBoolean nextSawInterrupt = new AtomicBoolean(true);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch queuedBoth = new CountDownLatch(1);
    executor.tryExecute(() -> {
      awaitLatch(queuedBoth);
      Thread.currentThread().interrupt();
    });
    executor.tryExecute(() -> {
      nextSawInterrupt.set(Thread.currentThread().isInterrupted());
      done.set(true);
    });
    queuedBoth.countDown();

    await().atMost(PATIENCE).untilTrue(done);
    assertThat(nextSawInterrupt).isFalse();
  }

  @Test
  void aClosedExecutorTurnsEverythingAway() {
    ServiceCallExecutor executor = executor(1, 1);
    executor.close();

    assertThat(executor.tryExecute(() -> { })).isFalse();
    assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void virtualThreadsAreUsedExactlyWhenTheJvmHasThem() {
    ServiceCallExecutor executor = ServiceCallExecutor.create(4, 4);
    executors.add(executor);
    AtomicBoolean ran = new AtomicBoolean();

    executor.tryExecute(() -> ran.set(true));

    await().atMost(PATIENCE).untilTrue(ran);
    assertThat(executor.usesVirtualThreads()).isEqualTo(Runtime.version().feature() >= 21);
    assertThat(executor(1, 0).usesVirtualThreads()).isFalse();
  }

  @Test
  void boundsAreChecked() {
    assertThatThrownBy(() -> ServiceCallExecutor.create(0, 1)).hasMessageContaining("max concurrent");
    assertThatThrownBy(() -> ServiceCallExecutor.create(1, -1)).hasMessageContaining("max queued");
    assertThatThrownBy(() -> ServiceCallExecutor.onPlatformThreads(100_001, 0)).hasMessageContaining("max concurrent");
  }

  private ServiceCallExecutor executor(int maxConcurrent, int maxQueued) {
    ServiceCallExecutor executor = ServiceCallExecutor.onPlatformThreads(maxConcurrent, maxQueued);
    executors.add(executor);
    return executor;
  }

  private void awaitRelease() {
    awaitLatch(release);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.lang.reflect.Method runMethod() {
    try {
      return Runnable.class.getMethod("run");
    } catch (NoSuchMethodException e) {
      throw new AssertionError(e);
    }
  }
}
