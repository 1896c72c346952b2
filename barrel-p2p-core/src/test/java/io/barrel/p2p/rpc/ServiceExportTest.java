package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ServiceExportTest {

  static final RpcCodec CODEC = new JacksonCborCodec();
  static final RpcLimits LIMITS = RpcLimits.defaults();

  public static class GreetingException extends Exception {
    public GreetingException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  interface Greeter {
    String greet(String name);

    int add(int a, int b);

    CompletableFuture<String> later(String name);

    CompletionStage<Integer> stage(int x);

    void store(String value);

    @OneWay
    void log(String line);

    String fail(String why) throws GreetingException;

    byte[] bytes(int size);
  }

  static class GreeterService implements Greeter {
    final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> pending = new CompletableFuture<>();

    @Override
    public String greet(String name) {
      return "hello " + name;
    }

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public CompletableFuture<String> later(String name) {
      return pending;
    }

    @Override
    public CompletionStage<Integer> stage(int x) {
      return x < 0 ? null : CompletableFuture.completedFuture(x * 2);
    }

    @Override
    public void store(String value) {
      stored.add(value);
    }

    @Override
    public void log(String line) {
      if (line.equals("throw")) {
        throw new IllegalStateException("one-way failure");
      }
      stored.add(line);
    }

    @Override
    public String fail(String why) throws GreetingException {
      throw new GreetingException(why, null);
    }

    @Override
    public byte[] bytes(int size) {
      return new byte[size];
    }
  }

  private final GreeterService service = new GreeterService();
  private final ServiceExport export = ServiceExport.of(Greeter.class, service, CODEC, LIMITS);
  private final List<RpcFrame> replies = Collections.synchronizedList(new ArrayList<>());

  // ---------------------------------------------------------------- the table

  @Test
  void theServiceIsNamedAfterItsInterfaceAndListsItsMethodsById() {
    assertThat(export.service()).isEqualTo(Greeter.class.getName());
    assertThat(export.serviceInterface()).isEqualTo(Greeter.class);
    assertThat(export.methods()).extracting(RpcMethod::signature).containsExactly("add(int,int)", "bytes(int)",
        "fail(java.lang.String)", "greet(java.lang.String)", "later(java.lang.String)", "log(java.lang.String)",
        "stage(int)", "store(java.lang.String)");
    Method greet = method(Greeter.class, "greet");
    assertThat(export.method(MethodId.of(greet))).get().extracting(RpcMethod::method).isEqualTo(greet);
    assertThat(export.method(new MethodId(42))).isEmpty();
    assertThat(ServiceExport.of("custom", Greeter.class, service, CODEC, LIMITS).service()).isEqualTo("custom");
  }

  interface Base {
    Object find(String id);
  }

  interface Narrowed extends Base {
    @Override
    String find(String id);

    @Override
    String toString();
  }

  @Test
  void aNarrowedReturnTypeWinsAndObjectMethodsAreLeftOut() {
    ServiceExport narrowed = ServiceExport.of(Narrowed.class, id -> "found " + id, CODEC, LIMITS);

    assertThat(narrowed.methods()).singleElement().satisfies(m -> {
      assertThat(m.method().getDeclaringClass()).isEqualTo(Narrowed.class);
      assertThat(m.valueType()).isEqualTo(String.class);
    });
  }

  interface Unsupported {
    java.util.concurrent.Future<String> future();
  }

  interface Empty {}

  @Test
  void exportsThatCannotWorkAreRefusedWithWhatToChange() {
    assertThatThrownBy(() -> ServiceExport.of(GreeterService.class, service, CODEC, LIMITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an interface");
    assertThatThrownBy(() -> ServiceExport.of(OneWay.class, null, CODEC, LIMITS))
        .isInstanceOf(NullPointerException.class);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Greeter> wrong = (Class) Runnable.class;
    assertThatThrownBy(() -> ServiceExport.of(wrong, service, CODEC, LIMITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not implement");
    assertThatThrownBy(() -> ServiceExport.of(Unsupported.class, () -> null, CODEC, LIMITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future()")
        .hasMessageContaining("CompletableFuture<T>");
    assertThatThrownBy(() -> ServiceExport.of(Empty.class, new Empty() { }, CODEC, LIMITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no methods");
    assertThatThrownBy(() -> ServiceExport.of("", Greeter.class, service, CODEC, LIMITS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
  }

  // ---------------------------------------------------------------- unary calls

  @Test
  void aPlainMethodAnswersWithItsEncodedResult() {
    ServerCall call = invoke("greet", "ada");

    assertThat(call.isDone()).isTrue();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
    assertThat(decodedResponse("greet")).isEqualTo("hello ada");
  }

  @Test
  void primitivesTravelBothWays() {
    invoke("add", 2, 40);
    assertThat(decodedResponse("add")).isEqualTo(42);
  }

  @Test
  void aFutureAnswersWhenItCompletes() {
    ServerCall call = invoke("later", "x");
    assertThat(replies).isEmpty();
    assertThat(call.isDone()).isFalse();

    service.pending.complete("done");

    assertThat(decodedResponse("later")).isEqualTo("done");
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
  }

  @Test
  void aFailedFutureAnswersWithTheApplicationFailure() {
    invoke("later", "x");
    service.pending.completeExceptionally(new IllegalArgumentException("nope"));

    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class, f -> {
      assertThat(f.kind()).isEqualTo(FailureKind.APPLICATION);
      assertThat(f.remoteClass()).isEqualTo("java.lang.IllegalArgumentException");
      assertThat(f.message()).isEqualTo("nope");
    });
  }

  @Test
  void aCompletionStageIsAwaitedAndANullOneIsAnInternalFailure() {
    invoke("stage", 21);
    assertThat(decodedResponse("stage")).isEqualTo(42);

    replies.clear();
    invoke("stage", -1);
    assertFailure(FailureKind.INTERNAL, "returned null");
  }

  @Test
  void aVoidMethodAnswersWithAnEmptyResponseOnceItRan() {
    invoke("store", "v");

    assertThat(service.stored).containsExactly("v");
    assertThat(replies).containsExactly(new RpcFrame.Response(1, new byte[0]));
  }

  @Test
  void aOneWayMethodNeverAnswersEvenWhenItFails() {
    ServerCall ok = invoke("log", "line");
    ServerCall failed = invoke("log", "throw");

    assertThat(service.stored).containsExactly("line");
    assertThat(replies).isEmpty();
    assertThat(ok.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
    assertThat(failed.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.FAILED);
  }

  @Test
  void aDeclaredExceptionCrossesTheWireAsItsOwnType() {
    invoke("fail", "because");

    RpcFrame.Failure failure = (RpcFrame.Failure) replies.get(0);
    Exception onCaller = RemoteErrors.toException(failure, NodeName.of("b@h"), export.service(),
        method(Greeter.class, "fail"));
    assertThat(onCaller).isExactlyInstanceOf(GreetingException.class).hasMessage("because")
        .hasCauseInstanceOf(RemoteInvocationException.class);
  }

  // ---------------------------------------------------------------- refused before running

  @Test
  void anotherServiceNameIsUnknownService() {
    export.invoke(new RpcFrame.Request(1, "other", MethodId.of(method(Greeter.class, "greet")), CallMode.UNARY, 0,
        Map.of(), args("greet", "x")), replies::add);

    assertFailure(FailureKind.UNKNOWN_SERVICE, "other");
  }

  @Test
  void anUnknownMethodIdIsUnknownMethod() {
    export.invoke(new RpcFrame.Request(1, export.service(), new MethodId(7), CallMode.UNARY, 0, Map.of(),
        new byte[] {(byte) 0x80}), replies::add);

    assertFailure(FailureKind.UNKNOWN_METHOD, "0000000000000007");
  }

  @Test
  void aRequestInAnotherCallModeIsUnknownMethod() {
    export.invoke(new RpcFrame.Request(1, export.service(), MethodId.of(method(Greeter.class, "greet")),
        CallMode.SERVER_STREAM, 0, Map.of(), args("greet", "x")), replies::add);

    assertFailure(FailureKind.UNKNOWN_METHOD, "served as UNARY");
  }

  @Test
  void argumentsThatDoNotDecodeAreBadArgumentsAndTheMethodDoesNotRun() {
    export.invoke(new RpcFrame.Request(1, export.service(), MethodId.of(method(Greeter.class, "store")),
        CallMode.UNARY, 0, Map.of(), new byte[] {(byte) 0x81, (byte) 0xa0}), replies::add);

    assertFailure(FailureKind.BAD_ARGUMENTS, "store");
    assertThat(service.stored).isEmpty();
  }

  @Test
  void aResultOverTheMessageLimitIsPayloadTooLarge() {
    ServiceExport small = ServiceExport.of(Greeter.class, service, CODEC, LIMITS.withMaxFrameBytes(1024));
    small.invoke(request("bytes", CallMode.UNARY, 2000), replies::add);

    assertFailure(FailureKind.PAYLOAD_TOO_LARGE, "1024-byte maximum");
  }

  @Test
  void aResultExactlyAtTheLimitFits() {
    ServiceExport small = ServiceExport.of(Greeter.class, service, CODEC, LIMITS.withMaxFrameBytes(1024));
    // A CBOR byte string of 1011 bytes takes 3 bytes of header: 1014 + 10 frame bytes = 1024.
    small.invoke(request("bytes", CallMode.UNARY, 1011), replies::add);

    RpcFrame.Response response = (RpcFrame.Response) replies.get(0);
    assertThat(new RpcFrameCodec(LIMITS.withMaxFrameBytes(1024)).encode(response)).hasSize(1028);
  }

  @Test
  void acceptingRunsNothingUntilTheCallIsRun() {
    ServerCall call = export.accept(request("store", CallMode.UNARY, "v"), replies::add);

    assertThat(service.stored).isEmpty();
    assertThat(call.isDone()).isFalse();
    assertThat(call.method()).get().extracting(RpcMethod::signature).isEqualTo("store(java.lang.String)");

    call.run();
    call.run();
    assertThat(service.stored).containsExactly("v");
    assertThat(replies).hasSize(1);
  }

  @Test
  void aCallTurnedAwayAsOverloadedNeverRuns() {
    ServerCall call = export.accept(request("store", CallMode.UNARY, "v"), replies::add);

    call.overloaded("64 calls running, 1000 queued");
    call.run();

    assertFailure(FailureKind.OVERLOADED, "64 calls running");
    assertThat(service.stored).isEmpty();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.FAILED);
  }

  @Test
  void overloadedAfterTheCallStartedChangesNothing() {
    ServerCall call = invoke("greet", "a");
    call.overloaded("late");

    assertThat(replies).singleElement().isInstanceOf(RpcFrame.Response.class);
  }

  @Test
  void aCallCancelledOrExpiredWhileQueuedNeverRuns() {
    ServerCall cancelled = export.accept(request("store", CallMode.UNARY, "a"), replies::add);
    ServerCall expired = export.accept(request("store", CallMode.UNARY, "b"), replies::add);

    cancelled.cancel();
    expired.expire();
    cancelled.run();
    expired.run();

    assertThat(service.stored).isEmpty();
    assertFailure(FailureKind.DEADLINE_EXCEEDED, "deadline");
  }

  @Test
  void aRefusedCallHasNoMethod() {
    ServerCall call = export.accept(new RpcFrame.Request(1, export.service(), new MethodId(7), CallMode.UNARY, 0,
        Map.of(), new byte[0]), replies::add);

    assertThat(call.method()).isEmpty();
    assertThat(call.isDone()).isTrue();
  }

  @Test
  void onlyOneLastFrameIsEverSent() {
    ServerCall call = invoke("greet", "a");
    call.expire();
    call.cancel();
    call.demand(5);

    assertThat(replies).hasSize(1).allMatch(f -> f instanceof RpcFrame.Response);
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.OK);
  }

  @Test
  void expiringAPendingFutureSendsTheDeadlineFailureAndCancelsIt() {
    ServerCall call = invoke("later", "x");

    call.expire();
    service.pending.complete("too late");

    assertFailure(FailureKind.DEADLINE_EXCEEDED, "deadline");
    assertThat(service.pending).isCancelled();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.EXPIRED);
  }

  @Test
  void cancellingAPendingFutureCancelsItAndSendsNothing() {
    ServerCall call = invoke("later", "x");

    call.cancel();

    assertThat(service.pending).isCancelled();
    assertThat(replies).isEmpty();
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.CANCELLED);
  }

  // ---------------------------------------------------------------- the node's table

  @Test
  void exportedServicesRouteByNameAndAnswerUnknownServiceOtherwise() {
    ExportedServices services = new ExportedServices(LIMITS);
    services.add(export);

    assertThatThrownBy(() -> services.add(export)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already exported");
    assertThat(services.names()).containsExactly(export.service());
    assertThat(services.find(export.service())).contains(export);

    services.accept(request("greet", CallMode.UNARY, "x"), replies::add).run();
    assertThat(decodedResponse("greet")).isEqualTo("hello x");

    replies.clear();
    assertThat(services.remove(export.service())).contains(export);
    ServerCall call = services.accept(request("greet", CallMode.UNARY, "x"), replies::add);
    assertFailure(FailureKind.UNKNOWN_SERVICE, "not exported here");
    assertThat(call.outcome().toCompletableFuture().join()).isEqualTo(ServerCall.Outcome.FAILED);
  }

  // ---------------------------------------------------------------- helpers

  private ServerCall invoke(String name, Object... arguments) {
    Method m = method(Greeter.class, name);
    CallMode mode = RpcMethod.of(m).callMode();
    return export.invoke(request(name, mode, arguments), replies::add);
  }

  private RpcFrame.Request request(String name, CallMode mode, Object... arguments) {
    Method m = method(Greeter.class, name);
    return new RpcFrame.Request(1, export.service(), MethodId.of(m), mode, 1000, Map.of("traceparent", "00-1-2-01"),
        CODEC.encodeArguments(m, arguments));
  }

  private byte[] args(String name, Object... arguments) {
    return CODEC.encodeArguments(method(Greeter.class, name), arguments);
  }

  private Object decodedResponse(String name) {
    assertThat(replies).hasSize(1);
    assertThat(replies.get(0)).isInstanceOf(RpcFrame.Response.class);
    return CODEC.decodeResult(method(Greeter.class, name), ((RpcFrame.Response) replies.get(0)).value());
  }

  private void assertFailure(FailureKind kind, String messagePart) {
    assertThat(replies).singleElement().isInstanceOfSatisfying(RpcFrame.Failure.class, f -> {
      assertThat(f.kind()).isEqualTo(kind);
      assertThat(f.message()).contains(messagePart);
      assertThat(f.callId()).isEqualTo(1);
    });
  }

  static Method method(Class<?> type, String name) {
    return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
