package io.barrel.p2p.rpc;

import io.barrel.p2p.NodeName;
import java.util.List;

/**
 * The remote service method threw, or the remote RPC layer failed while running it. Carries the
 * remote exception's class name, message and stack as text: the class is never loaded or
 * instantiated here. Its cause, a {@link RemoteStack}, prints the remote stack under this
 * exception's local one.
 */
public final class RemoteInvocationException extends RpcException {

  private final String remoteClassName;
  private final String remoteMessage;
  private final List<StackTraceElement> remoteStack;

  /**
   * A remote failure.
   *
   * @param node the node the call ran on
   * @param service the service called
   * @param method the method called, for the message
   * @param remoteClassName the remote exception's class name; empty when the remote layer gave none
   * @param remoteMessage the remote exception's message, possibly empty
   * @param remoteStack the remote stack, innermost first
   */
  public RemoteInvocationException(NodeName node, String service, String method, String remoteClassName,
      String remoteMessage, List<StackTraceElement> remoteStack) {
    super(node, describe(node, service, method, remoteClassName, remoteMessage),
        new RemoteStack(remoteClassName, remoteMessage, remoteStack));
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    this.remoteStack = List.copyOf(remoteStack);
  }

  private static String describe(NodeName node, String service, String method, String cls, String message) {
    return service + "." + method + (cls.isEmpty() ? " failed" : " threw " + cls) + onNode(node)
        + (message.isEmpty() ? "" : ": " + message);
  }

  /** The remote exception's class name, as the remote JVM named it; empty when unknown. */
  public String remoteClassName() {
    return remoteClassName;
  }

  /** The remote exception's message, possibly empty (possibly truncated to the error message limit). */
  public String remoteMessage() {
    return remoteMessage;
  }

  /** The remote stack, innermost first, possibly cut to the stack frame limit. */
  public List<StackTraceElement> remoteStack() {
    return remoteStack;
  }

  /**
   * A stand-in for the remote exception so that stack traces show where it happened remotely. It
   * is only ever the cause of a {@link RemoteInvocationException}.
   */
  public static final class RemoteStack extends Throwable {
    RemoteStack(String remoteClassName, String remoteMessage, List<StackTraceElement> stack) {
      super((remoteClassName.isEmpty() ? "remote failure" : remoteClassName)
          + (remoteMessage.isEmpty() ? "" : ": " + remoteMessage), null, false, true);
      setStackTrace(stack.toArray(new StackTraceElement[0]));
    }
  }
}
