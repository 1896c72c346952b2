package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RpcMethodTest {

  interface Shapes {
    String plain(int x);

    Optional<List<String>> optional();

    CompletableFuture<Integer> future();

    CompletionStage<List<String>> stage();

    CompletableFuture<? extends Number> wildcardFuture();

    void waits();

    @OneWay
    void fireAndForget(String event);

    Flow.Publisher<byte[]> stream(String from);

    @Idempotent
    String read();
  }

  interface ReactorShapes {
    reactor.core.publisher.Mono<List<String>> one();

    reactor.core.publisher.Flux<Integer> many(int n);

    reactor.core.publisher.Mono<CompletableFuture<String>> nested();

    String takesAFlux(reactor.core.publisher.Flux<String> in);
  }

  @Idempotent
  interface AllIdempotent {
    String get();
  }

  interface Refused {
    <T> T generic(Class<T> type);

    @OneWay
    String oneWayWithResult();

    @SuppressWarnings("rawtypes")
    CompletableFuture raw();

    Future<String> plainFuture();

    Stream<String> javaStream();

    Iterator<String> iterator();

    CompletableFuture<CompletableFuture<String>> nested();

    void futureParameter(CompletableFuture<String> f);

    void publisherParameter(Flow.Publisher<String> p);

    void streamParameter(InputStream in);

    String toString();

    static String helper() {
      return "";
    }
  }

  interface Repo<T> {
    T find(String id);

    void save(List<T> values);
  }

  @Test
  void shapesAreReadOffTheReturnType() {
    assertShape("plain", MethodShape.PLAIN, String.class);
    assertShape("future", MethodShape.FUTURE, Integer.class);
    assertShape("waits", MethodShape.VOID, void.class);
    assertShape("fireAndForget", MethodShape.ONE_WAY, void.class);
    assertShape("stream", MethodShape.PUBLISHER, byte[].class);
    assertShape("wildcardFuture", MethodShape.FUTURE, Number.class);

    RpcMethod stage = RpcMethod.of(method(Shapes.class, "stage"));
    assertThat(stage.shape()).isEqualTo(MethodShape.FUTURE);
    assertThat(stage.valueType()).isInstanceOf(ParameterizedType.class);
    assertThat(stage.valueType().getTypeName()).isEqualTo("java.util.List<java.lang.String>");

    RpcMethod optional = RpcMethod.of(method(Shapes.class, "optional"));
    assertThat(optional.shape()).isEqualTo(MethodShape.PLAIN);
    assertThat(optional.valueType().getTypeName()).isEqualTo("java.util.Optional<java.util.List<java.lang.String>>");
  }

  @Test
  void shapesMapToCallModes() {
    assertThat(MethodShape.PLAIN.callMode()).isEqualTo(CallMode.UNARY);
    assertThat(MethodShape.FUTURE.callMode()).isEqualTo(CallMode.UNARY);
    assertThat(MethodShape.VOID.callMode()).isEqualTo(CallMode.UNARY);
    assertThat(MethodShape.ONE_WAY.callMode()).isEqualTo(CallMode.ONE_WAY);
    assertThat(MethodShape.PUBLISHER.callMode()).isEqualTo(CallMode.SERVER_STREAM);
    assertThat(Arrays.stream(MethodShape.values()).filter(MethodShape::returnsNothing))
        .containsExactly(MethodShape.VOID, MethodShape.ONE_WAY);
  }

  @Test
  void idempotenceComesFromTheMethodOrItsInterface() {
    assertThat(RpcMethod.of(method(Shapes.class, "read")).idempotent()).isTrue();
    assertThat(RpcMethod.of(method(Shapes.class, "plain")).idempotent()).isFalse();
    assertThat(RpcMethod.of(method(AllIdempotent.class, "get")).idempotent()).isTrue();
  }

  @Test
  void theIdAndSignatureAreTheMethodIds() {
    RpcMethod plain = RpcMethod.of(method(Shapes.class, "plain"));
    assertThat(plain.signature()).isEqualTo("plain(int)");
    assertThat(plain.id()).isEqualTo(MethodId.of(plain.method()));
    assertThat(plain.describe()).isEqualTo("Shapes.plain(int)");
  }

  @Test
  void reactorTypesAreAsynchronousResultsAndStreams() throws Exception {
    RpcMethod one = RpcMethod.of(ReactorShapes.class.getMethod("one"));
    assertThat(one.shape()).isEqualTo(MethodShape.MONO);
    assertThat(one.callMode()).isEqualTo(CallMode.UNARY);
    assertThat(one.valueType().getTypeName()).isEqualTo("java.util.List<java.lang.String>");
    RpcMethod many = RpcMethod.of(ReactorShapes.class.getMethod("many", int.class));
    assertThat(many.shape()).isEqualTo(MethodShape.FLUX);
    assertThat(many.callMode()).isEqualTo(CallMode.SERVER_STREAM);
    assertThat(many.valueType()).isEqualTo(Integer.class);
    assertThatThrownBy(() -> RpcMethod.of(ReactorShapes.class.getMethod("nested")))
        .hasMessageContaining("nest at most one");
    assertThatThrownBy(() -> RpcMethod.of(ReactorShapes.class.getMethod("takesAFlux", reactor.core.publisher.Flux.class)))
        .hasMessageContaining("only results can be futures or streams");
  }

  @Test
  void unsupportedShapesAreRefusedWithWhatToChange() {
    assertRefused("generic", "declares type parameters");
    assertRefused("oneWayWithResult", "must return void");
    assertRefused("raw", "declare its element type");
    assertRefused("plainFuture", "CompletableFuture<T>, CompletionStage<T> or Reactor's Mono<T>");
    assertRefused("javaStream", "Flow.Publisher<T> or Reactor's Flux<T> for a stream");
    assertRefused("iterator", "Flow.Publisher<T> or Reactor's Flux<T> for a stream");
    assertRefused("nested", "nest at most one");
    assertRefused("futureParameter", "only results can be futures or streams");
    assertRefused("publisherParameter", "only results can be futures or streams");
    assertRefused("streamParameter", "pass the data itself");
    assertRefused("toString", "java.lang.Object method");
    assertRefused("helper", "static");
  }

  @Test
  void typeVariablesOfTheInterfaceAreRefusedBecauseTheCodecNeedsConcreteTypes() {
    assertThatThrownBy(() -> RpcMethod.of(method(Repo.class, "find")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type variable T");
    assertThatThrownBy(() -> RpcMethod.of(method(Repo.class, "save")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type variable T");
  }

  @Test
  void ofInterfaceChecksEveryRemoteMethodInSignatureOrderAndLeavesObjectAndStaticMethodsOut() {
    assertThat(RpcMethod.ofInterface(AllIdempotent.class)).extracting(RpcMethod::signature).containsExactly("get()");
    assertThat(RpcMethod.ofInterface(Shapes.class)).extracting(RpcMethod::signature)
        .startsWith("fireAndForget(java.lang.String)", "future()").hasSize(9);
    assertThatThrownBy(() -> RpcMethod.ofInterface(Refused.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Refused.");
    assertThatThrownBy(() -> RpcMethod.ofInterface(java.io.Serializable.class))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no methods to call remotely");
  }

  private static void assertShape(String name, MethodShape shape, Class<?> valueType) {
    RpcMethod m = RpcMethod.of(method(Shapes.class, name));
    assertThat(m.shape()).as(name).isEqualTo(shape);
    assertThat(m.valueType()).as(name).isEqualTo(valueType);
  }

  private static void assertRefused(String name, String why) {
    Method m = Arrays.stream(Refused.class.getDeclaredMethods()).filter(x -> x.getName().equals(name))
        .findFirst().orElseThrow();
    assertThatThrownBy(() -> RpcMethod.of(m)).as(name).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why).hasMessageContaining(name);
  }

  static Method method(Class<?> type, String name) {
    return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
