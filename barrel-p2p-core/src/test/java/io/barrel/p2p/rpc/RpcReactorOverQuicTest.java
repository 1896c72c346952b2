package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.P2pNode;
import io.barrel.p2p.testing.TestNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reactor's Mono and Flux on both ends of a call, over real QUIC. */
class RpcReactorOverQuicTest {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private TestNodes cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private P2pNode[] pair() {
    cluster = new TestNodes(dir);
    P2pNode server = cluster.start("server@127.0.0.1", RpcCallsOverQuicTest::fast);
    P2pNode client = cluster.start("client@127.0.0.1", RpcCallsOverQuicTest::fast);
    return new P2pNode[] {server, client};
  }

  @Test
  void monoAndFluxProxiesCallAPlainService() {
    P2pNode[] pair = pair();
    RecordingGreeter greeter = new RecordingGreeter("server");
    pair[0].publish(Greeter.class, greeter);
    await().atMost(DEADLINE).until(() -> pair[1].services().instances(Greeter.class.getName()).size() == 1);
    ReactiveGreeter reactive = pair[1].services().proxy(ReactiveGreeter.class,
        CallOptions.defaults().withService(Greeter.class.getName()));

    Mono<String> lazy = reactive.greet("ann");
    assertThat(greeter.calls.get()).as("a Mono calls when subscribed, not when made").isZero();
    assertThat(lazy.block(DEADLINE)).isEqualTo("hello ann from server");
    assertThat(lazy.block(DEADLINE)).as("each subscription is a call").isEqualTo("hello ann from server");
    assertThat(greeter.calls.get()).isEqualTo(2);

    assertThat(reactive.count(20).collectList().block(DEADLINE))
        .isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList());
    assertThat(reactive.count(1_000_000).take(3).collectList().block(DEADLINE)).containsExactly(0, 1, 2);
    await().atMost(DEADLINE).until(greeter.streamCancelled::get);
    assertThat(greeter.emitted.get()).as("Reactor's demand reaches the server").isLessThan(1_000);

    assertThatThrownBy(() -> reactive.fail("nope").block(DEADLINE)).isInstanceOf(RemoteInvocationException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void aServiceWrittenWithReactorIsServedAndCalled() {
    P2pNode[] pair = pair();
    AtomicInteger subscribed = new AtomicInteger();
    AtomicBoolean cancelled = new AtomicBoolean();
    pair[0].publish(Ticker.class, new Ticker() {
      @Override
      public Flux<Long> ticks(int n) {
        return Flux.range(0, n).map(Integer::longValue).doOnSubscribe(s -> subscribed.incrementAndGet())
            .doOnCancel(() -> cancelled.set(true));
      }

      @Override
      public Mono<String> name() {
        return Mono.just("ticker");
      }

      @Override
      public Mono<String> nothing() {
        return Mono.empty();
      }
    });
    await().atMost(DEADLINE).until(() -> pair[1].services().instances(Ticker.class.getName()).size() == 1);
    Ticker ticker = pair[1].services().proxy(Ticker.class);
    assertThat(ticker.ticks(5).collectList().block(DEADLINE)).isEqualTo(List.of(0L, 1L, 2L, 3L, 4L));
    assertThat(ticker.name().block(DEADLINE)).isEqualTo("ticker");
    assertThat(ticker.nothing().blockOptional(DEADLINE)).isEmpty();
    assertThat(ticker.ticks(Integer.MAX_VALUE).take(2).collectList().block(DEADLINE)).containsExactly(0L, 1L);
    await().atMost(DEADLINE).until(cancelled::get);
    assertThat(subscribed.get()).isEqualTo(2);

    // The same service called in-process on the server node.
    Ticker local = pair[0].services().proxy(Ticker.class);
    assertThat(local.ticks(3).collectList().block(DEADLINE)).isEqualTo(List.of(0L, 1L, 2L));
    assertThat(local.name().block(DEADLINE)).isEqualTo("ticker");
  }
}
