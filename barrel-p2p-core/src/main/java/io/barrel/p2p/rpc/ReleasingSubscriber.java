package io.barrel.p2p.rpc;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Passes every signal of a stream call on to the caller's subscriber and reports, exactly once,
 * how the call ended (null for completion or cancellation, else the error), so the instance's
 * concurrency slot is given back and its health judged whichever way the stream stops.
 */
final class ReleasingSubscriber<T> implements Flow.Subscriber<T> {

  private final Flow.Subscriber<? super T> downstream;
  private final Consumer<Throwable> ended;
  private final AtomicBoolean done = new AtomicBoolean();

  ReleasingSubscriber(Flow.Subscriber<? super T> downstream, Consumer<Throwable> ended) {
    this.downstream = downstream;
    this.ended = ended;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    downstream.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        subscription.request(n);
      }

      @Override
      public void cancel() {
        subscription.cancel();
        end(null);
      }
    });
  }

  @Override
  public void onNext(T item) {
    downstream.onNext(item);
  }

  @Override
  public void onError(Throwable error) {
    end(error);
    downstream.onError(error);
  }

  @Override
  public void onComplete() {
    end(null);
    downstream.onComplete();
  }

  private void end(Throwable error) {
    if (done.compareAndSet(false, true)) {
      ended.accept(error);
    }
  }
}
