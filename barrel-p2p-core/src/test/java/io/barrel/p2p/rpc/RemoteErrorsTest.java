package io.barrel.p2p.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RemoteErrorsTest {

  private static final NodeName NODE = NodeName.of("b@host");
  private static final RpcLimits LIMITS = RpcLimits.defaults().withErrors(16, 3);
  private final RemoteErrors errors = new RemoteErrors(LIMITS);

  public static class WithCause extends Exception {
    public WithCause(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static class MessageOnly extends Exception {
    public MessageOnly(String message) {
      super(message);
    }
  }

  public static class OwnCause extends Exception {
    public OwnCause(String message) {
      super(message, new IllegalStateException("mine"));
    }
  }

  public static class NoStringConstructor extends Exception {
    public NoStringConstructor() {
      super("fixed");
    }
  }

  public abstract static class AbstractOne extends Exception {
    public AbstractOne(String message) {
      super(message);
    }
  }

  static class Hidden extends Exception {
    public Hidden(String message) {
      super(message);
    }
  }

  public static class Exploding extends Exception {
    public Exploding(String message) {
      throw new IllegalStateException("constructor refuses " + message);
    }
  }

  interface Throwing {
    void withCause() throws WithCause;

    void messageOnly() throws MessageOnly;

    void ownCause() throws OwnCause;

    void noStringConstructor() throws NoStringConstructor;

    void abstractOne() throws AbstractOne;

    void hidden() throws Hidden;

    void exploding() throws Exploding;

    void io() throws IOException;

    void unchecked() throws IllegalArgumentException;

    void error() throws AssertionError;

    void plain();
  }

  // ---------------------------------------------------------------- server side

  @Test
  void anApplicationFailureCarriesClassMessageAndStack() {
    IllegalStateException thrown = new IllegalStateException("boom");
    thrown.setStackTrace(new StackTraceElement[] {new StackTraceElement("a.B", "m", "B.java", 3)});

    RpcFrame.Failure f = errors.application(9, thrown);

    assertThat(f.callId()).isEqualTo(9);
    assertThat(f.kind()).isEqualTo(FailureKind.APPLICATION);
    assertThat(f.remoteClass()).isEqualTo("java.lang.IllegalStateException");
    assertThat(f.message()).isEqualTo("boom");
    assertThat(f.stack()).containsExactly(new StackTraceElement("a.B", "m", "B.java", 3));
  }

  @Test
  void reflectionAndFutureWrappersAreUnwrapped() {
    MessageOnly inner = new MessageOnly("inner");
    Throwable wrapped = new CompletionException(new ExecutionException(new InvocationTargetException(inner)));

    assertThat(errors.application(1, wrapped).remoteClass()).isEqualTo(MessageOnly.class.getName());
    assertThat(errors.application(1, new CompletionException(null)).remoteClass())
        .isEqualTo(CompletionException.class.getName());
  }

  @Test
  void messagesAreTruncatedWithoutSplittingACharacterAndStacksAreCut() {
    RpcFrame.Failure f = errors.application(1, new RuntimeException("ééééééééééé"));

    assertThat(f.message()).isEqualTo("éééééééé");
    assertThat(f.stack()).hasSize(3);
    assertThat(errors.application(1, new RuntimeException("😀😀😀😀😀")).message()).isEqualTo("😀😀😀😀");
    assertThat(errors.of(1, FailureKind.OVERLOADED, "x".repeat(100)).message()).hasSize(16);
    new RpcFrameCodec(LIMITS).encode(f);
  }

  @Test
  void aNullMessageBecomesEmptyAndLoneSurrogatesBecomeQuestionMarks() {
    assertThat(errors.application(1, new RuntimeException()).message()).isEmpty();
    assertThat(errors.application(1, new RuntimeException("a\ud800b")).message()).isEqualTo("a?b");
  }

  @Test
  void overlongStackStringsAreCutToTheStackStringLimit() {
    RuntimeException e = new RuntimeException();
    e.setStackTrace(new StackTraceElement[] {new StackTraceElement("c".repeat(2000), "m".repeat(2000),
        "f".repeat(2000), 1)});

    StackTraceElement frame = errors.application(1, e).stack().get(0);

    assertThat(frame.getClassName()).hasSize(RpcLimits.MAX_STACK_STRING_BYTES);
    assertThat(frame.getMethodName()).hasSize(RpcLimits.MAX_STACK_STRING_BYTES);
    assertThat(frame.getFileName()).hasSize(RpcLimits.MAX_STACK_STRING_BYTES);
  }

  // ---------------------------------------------------------------- caller side: the RPC layer's own kinds

  @Test
  void eachKindBecomesItsOwnExceptionType() {
    Method plain = method("plain");

    assertThat(toException(FailureKind.UNKNOWN_SERVICE, plain))
        .isInstanceOf(NoInstanceAvailableException.class).hasMessageContaining("svc").hasMessageContaining("b@host");
    assertThat(toException(FailureKind.UNKNOWN_METHOD, plain))
        .isInstanceOf(IncompatibleMethodException.class).hasMessageContaining("plain()");
    assertThat(toException(FailureKind.BAD_ARGUMENTS, plain)).isInstanceOf(IncompatibleMethodException.class);
    assertThat(toException(FailureKind.DEADLINE_EXCEEDED, plain))
        .isInstanceOfSatisfying(DeadlineExceededException.class, e -> assertThat(e.timeoutMillis()).isEqualTo(-1));
    assertThat(toException(FailureKind.OVERLOADED, plain)).isInstanceOf(RemoteOverloadedException.class)
        .hasMessageContaining("did not run");
    assertThat(toException(FailureKind.PAYLOAD_TOO_LARGE, plain))
        .isInstanceOfSatisfying(PayloadTooLargeException.class,
            e -> assertThat(e.side()).isEqualTo(PayloadTooLargeException.Side.REMOTE));
    assertThat(toException(FailureKind.INTERNAL, plain)).isInstanceOf(RemoteInvocationException.class)
        .hasMessageContaining("internal error");
    assertThat(toException(FailureKind.PROTOCOL, plain)).isInstanceOf(RemoteInvocationException.class)
        .hasMessageContaining("protocol error");
    for (FailureKind kind : FailureKind.values()) {
      Exception e = toException(kind, plain);
      assertThat(e).as(kind.name()).isInstanceOf(RpcException.class);
      assertThat(((RpcException) e).node()).as(kind.name()).contains(NODE);
    }
  }

  // ---------------------------------------------------------------- caller side: application failures

  @Test
  void anUndeclaredRemoteExceptionArrivesAsRemoteInvocationWithItsStack() {
    RpcFrame.Failure f = new RpcFrame.Failure(1, FailureKind.APPLICATION, "com.example.Secret", "nope",
        List.of(new StackTraceElement("com.example.Impl", "run", "Impl.java", 42)));

    Exception e = RemoteErrors.toException(f, NODE, "svc", method("plain"));

    assertThat(e).isInstanceOfSatisfying(RemoteInvocationException.class, r -> {
      assertThat(r.remoteClassName()).isEqualTo("com.example.Secret");
      assertThat(r.remoteMessage()).isEqualTo("nope");
      assertThat(r.remoteStack()).containsExactly(new StackTraceElement("com.example.Impl", "run", "Impl.java", 42));
      assertThat(r.node()).contains(NODE);
      assertThat(r.getMessage()).isEqualTo("svc.plain threw com.example.Secret on node 'b@host': nope");
      assertThat(r.getCause()).isInstanceOf(RemoteInvocationException.RemoteStack.class)
          .hasMessage("com.example.Secret: nope");
      assertThat(r.getCause().getStackTrace()).containsExactly(
          new StackTraceElement("com.example.Impl", "run", "Impl.java", 42));
    });
    assertThat(printed(e)).contains("Caused by: io.barrel.p2p.rpc.RemoteInvocationException$RemoteStack:"
        + " com.example.Secret: nope", "at com.example.Impl.run(Impl.java:42)");
  }

  @Test
  void aDeclaredExceptionWithAMessageAndCauseConstructorIsRebuilt() {
    Exception e = application(WithCause.class.getName(), "declared", "withCause");

    assertThat(e).isExactlyInstanceOf(WithCause.class).hasMessage("declared");
    assertThat(e.getCause()).isInstanceOfSatisfying(RemoteInvocationException.class,
        r -> assertThat(r.node()).contains(NODE));
  }

  @Test
  void aDeclaredExceptionWithOnlyAMessageConstructorIsRebuiltWithTheRemoteCause() {
    Exception e = application(MessageOnly.class.getName(), "m", "messageOnly");

    assertThat(e).isExactlyInstanceOf(MessageOnly.class).hasMessage("m")
        .hasCauseInstanceOf(RemoteInvocationException.class);
  }

  @Test
  void aDeclaredExceptionThatSetsItsOwnCauseIsStillRebuilt() {
    Exception e = application(OwnCause.class.getName(), "m", "ownCause");

    assertThat(e).isExactlyInstanceOf(OwnCause.class).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aDeclaredUncheckedExceptionIsRebuiltToo() {
    assertThat(application(IllegalArgumentException.class.getName(), "bad", "unchecked"))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad");
  }

  @Test
  void declaredTypesThatCannotBeBuiltSafelyArriveAsRemoteInvocation() {
    assertThat(application(NoStringConstructor.class.getName(), "m", "noStringConstructor"))
        .isInstanceOf(RemoteInvocationException.class);
    assertThat(application(AbstractOne.class.getName(), "m", "abstractOne"))
        .isInstanceOf(RemoteInvocationException.class);
    assertThat(application(Hidden.class.getName(), "m", "hidden")).isInstanceOf(RemoteInvocationException.class);
    assertThat(application(Exploding.class.getName(), "m", "exploding")).isInstanceOf(RemoteInvocationException.class);
    assertThat(application(AssertionError.class.getName(), "m", "error")).isInstanceOf(RemoteInvocationException.class);
  }

  @Test
  void onlyTheExactDeclaredClassNameIsRebuiltNeverASubclassOrAnUndeclaredLoadableClass() {
    // FileNotFoundException is an IOException and loadable, but only IOException is declared.
    assertThat(application(FileNotFoundException.class.getName(), "m", "io"))
        .isInstanceOf(RemoteInvocationException.class);
    assertThat(application(IOException.class.getName(), "m", "io")).isExactlyInstanceOf(IOException.class);
    assertThat(application("other.pkg.WithCause", "m", "withCause")).isInstanceOf(RemoteInvocationException.class);
    assertThat(application(WithCause.class.getName(), "m", "plain")).isInstanceOf(RemoteInvocationException.class);
  }

  private static Exception application(String remoteClass, String message, String methodName) {
    RpcFrame.Failure f = new RpcFrame.Failure(1, FailureKind.APPLICATION, remoteClass, message, List.of());
    return RemoteErrors.toException(f, NODE, "svc", method(methodName));
  }

  private static Exception toException(FailureKind kind, Method method) {
    return RemoteErrors.toException(RpcFrame.Failure.of(1, kind, "detail"), NODE, "svc", method);
  }

  private static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private static Method method(String name) {
    return Arrays.stream(Throwing.class.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
