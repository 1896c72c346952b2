package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns exceptions into failure frames on the server, within the {@link RpcLimits}, and failure
 * frames back into exceptions on the caller.
 *
 * <p>On the caller, an {@link FailureKind#APPLICATION} failure becomes the service's own exception
 * type only when the called method declares a type of exactly that class name, the type is a
 * public, concrete {@link Exception}, and it has a public {@code (String, Throwable)} or
 * {@code (String)} constructor. The declared types are the whole allow-list: a class is never
 * looked up by the name the bytes carry. The rebuilt exception's cause is the
 * {@link RemoteInvocationException} with the node and remote stack. Everything else, and every
 * rebuild that fails, arrives as {@link RemoteInvocationException}.
 */
public final class RemoteErrors {

  private final RpcLimits limits;

  /** Failure frames built by this instance fit {@code limits}. */
  public RemoteErrors(RpcLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  // ---------------------------------------------------------------- server side

  /**
   * The failure frame for an exception a service method threw (wrappers from reflection and futures
   * are unwrapped first). The message is truncated and the stack cut to the limits.
   */
  public RpcFrame.Failure application(long callId, Throwable thrown) {
    Throwable t = unwrap(Objects.requireNonNull(thrown, "thrown"));
    StackTraceElement[] trace = t.getStackTrace();
    List<StackTraceElement> stack = new ArrayList<>(Math.min(trace.length, limits.maxStackFrames()));
    for (int i = 0; i < trace.length && i < limits.maxStackFrames(); i++) {
      StackTraceElement e = trace[i];
      stack.add(new StackTraceElement(bounded(e.getClassName()), bounded(e.getMethodName()),
          e.getFileName() == null ? null : bounded(e.getFileName()), e.getLineNumber()));
    }
    String message = t.getMessage() == null ? "" : t.getMessage();
    return new RpcFrame.Failure(callId, FailureKind.APPLICATION, bounded(t.getClass().getName()),
        WireStrings.truncate(message, limits.maxErrorMessageBytes()), stack);
  }

  /** A failure the RPC layer raises itself, with a message truncated to the limit. */
  public RpcFrame.Failure of(long callId, FailureKind kind, String message) {
    return RpcFrame.Failure.of(callId, kind, WireStrings.truncate(message, limits.maxErrorMessageBytes()));
  }

  /** The exception behind reflection and future wrappers. */
  static Throwable unwrap(Throwable thrown) {
    Throwable t = thrown;
    while ((t instanceof InvocationTargetException || t instanceof CompletionException
        || t instanceof ExecutionException || t instanceof UndeclaredThrowableException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String bounded(String s) {
    return WireStrings.truncate(s, RpcLimits.MAX_STACK_STRING_BYTES);
  }

  // ---------------------------------------------------------------- caller side

  /**
   * The exception a failure frame stands for, to be thrown to the caller of {@code method}.
   *
   * @param failure the frame
   * @param node the node that sent it: the connection's authenticated peer, never a name from the bytes
   * @param service the service called
   * @param method the interface method called
   * @return an {@link RpcException}, or a declared exception of the method rebuilt as described above
   */
  public static Exception toException(RpcFrame.Failure failure, NodeName node, String service, Method method) {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(method, "method");
    String call = service + "." + method.getName();
    String message = failure.message();
    switch (failure.kind()) {
      case APPLICATION:
        return rebuild(failure, node, service, method);
      case UNKNOWN_SERVICE:
        return new NoInstanceAvailableException(service, node, message);
      case UNKNOWN_METHOD:
      case BAD_ARGUMENTS:
        return new IncompatibleMethodException(node, service, MethodId.signature(method), message);
      case DEADLINE_EXCEEDED:
        return new DeadlineExceededException(node, call, -1, "the server gave up: " + message);
      case OVERLOADED:
        return new RemoteOverloadedException(node, call, message);
      case PAYLOAD_TOO_LARGE:
        return new PayloadTooLargeException(PayloadTooLargeException.Side.REMOTE, node, -1, -1, message);
      default:
        // INTERNAL and PROTOCOL: the remote RPC layer failed; say which, keep whatever it told us.
        return new RemoteInvocationException(node, service, method.getName(), failure.remoteClass(),
            failure.kind().name().toLowerCase(Locale.ROOT) + " error: " + message, failure.stack());
    }
  }

  private static Exception rebuild(RpcFrame.Failure failure, NodeName node, String service, Method method) {
    RemoteInvocationException remote = new RemoteInvocationException(node, service, method.getName(),
        failure.remoteClass(), failure.message(), failure.stack());
    for (Class<?> declared : method.getExceptionTypes()) {
      if (declared.getName().equals(failure.remoteClass()) && isRebuildable(declared)) {
        Exception rebuilt = instantiate(declared.asSubclass(Exception.class), failure.message(), remote);
        return rebuilt == null ? remote : rebuilt;
      }
    }
    return remote;
  }

  private static boolean isRebuildable(Class<?> type) {
    return Exception.class.isAssignableFrom(type) && Modifier.isPublic(type.getModifiers())
        && !Modifier.isAbstract(type.getModifiers());
  }

  /** The declared exception built through a public constructor, or null when that fails in any way. */
  private static Exception instantiate(Class<? extends Exception> type, String message, RemoteInvocationException cause) {
    try {
      Constructor<? extends Exception> withCause = type.getConstructor(String.class, Throwable.class);
      return withCause.newInstance(message, cause);
    } catch (NoSuchMethodException e) {
      // fall through to (String)
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
    try {
      Exception rebuilt = type.getConstructor(String.class).newInstance(message);
      try {
        rebuilt.initCause(cause);
      } catch (IllegalStateException alreadySet) {
        // its constructor set a cause of its own; the exception is still the declared type
      }
      return rebuilt;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
