package io.barrel.p2p.rpc;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a call, on the call's own data stream. Byte layouts are drawn in
 * {@link RpcFrameCodec}. Every record checks what it can on its own (non-null fields, strings UTF-8
 * can carry, wire ranges); the codec adds the configured {@link RpcLimits} on top.
 *
 * <p>A call goes: the caller sends a {@link Request} (for a server stream, followed at once by a
 * {@link Demand}); the server answers with a {@link Response} or a {@link Failure} (unary), nothing
 * (one-way), or {@link StreamItem}s up to the demand, then a {@link StreamEnd} or a {@link Failure}
 * (server stream). The caller may send {@link Cancel} at any time and more {@link Demand} while
 * streaming. Every frame names its call id, so streams can later be pooled or shared.
 *
 * <p>Frames that carry bytes ({@link Request#arguments()}, {@link Response#value()},
 * {@link StreamItem#value()}) take ownership of the array and hand out the same array, without
 * copies, because payloads may be megabytes; nobody may write to it afterwards.
 */
public sealed interface RpcFrame permits RpcFrame.Request, RpcFrame.Response, RpcFrame.Failure,
    RpcFrame.Cancel, RpcFrame.StreamItem, RpcFrame.StreamEnd, RpcFrame.Demand {

  /** Longest timeout a request can carry, in milliseconds (an unsigned 32-bit field: about 49 days). */
  long MAX_TIMEOUT_MILLIS = 0xFFFF_FFFFL;
  /** The timeout value that means "no deadline". */
  long NO_TIMEOUT = 0;

  /** The call this frame belongs to, chosen by the caller, unique per connection while the call lasts. */
  long callId();

  /**
   * Starts a call.
   *
   * @param callId the caller's id for the call
   * @param service the service name, 1..{@link RpcLimits#MAX_SERVICE_NAME_BYTES} UTF-8 bytes
   * @param methodId the method, see {@link MethodId}
   * @param mode how the call is answered
   * @param timeoutMillis time the caller still waits, relative to when the server receives the
   *     request (the nodes' clocks are not compared), 1..{@link #MAX_TIMEOUT_MILLIS}, or
   *     {@link #NO_TIMEOUT}
   * @param headers trace context and user metadata, in order; keys are 1..
   *     {@link RpcLimits#MAX_HEADER_KEY_LENGTH} characters of printable ASCII without spaces
   * @param arguments the encoded arguments (see {@link RpcCodec})
   */
  record Request(long callId, String service, MethodId methodId, CallMode mode, long timeoutMillis,
      Map<String, String> headers, byte[] arguments) implements RpcFrame {
    /** Checks the fields and keeps an ordered, unmodifiable copy of the headers. */
    public Request {
      WireStrings.requireWellFormed(service, "service");
      if (service.isEmpty() || WireStrings.utf8Length(service) > RpcLimits.MAX_SERVICE_NAME_BYTES) {
        throw new IllegalArgumentException("service name must be 1.." + RpcLimits.MAX_SERVICE_NAME_BYTES
            + " UTF-8 bytes, got " + WireStrings.utf8Length(service));
      }
      Objects.requireNonNull(methodId, "methodId");
      Objects.requireNonNull(mode, "mode");
      if (timeoutMillis < 0 || timeoutMillis > MAX_TIMEOUT_MILLIS) {
        throw new IllegalArgumentException("timeout must be 0.." + MAX_TIMEOUT_MILLIS + " ms, got " + timeoutMillis);
      }
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(arguments, "arguments");
      Map<String, String> copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : headers.entrySet()) {
        String key = e.getKey();
        if (key == null || !isValidHeaderKey(key)) {
          throw new IllegalArgumentException("header key '" + key + "' must be 1.." + RpcLimits.MAX_HEADER_KEY_LENGTH
              + " characters of printable ASCII without spaces");
        }
        String value = WireStrings.requireWellFormed(e.getValue(), "value of header '" + key + "'");
        if (WireStrings.utf8Length(value) > 0xFFFF) {
          throw new IllegalArgumentException("value of header '" + key + "' is over 65535 UTF-8 bytes");
        }
        copy.put(key, value);
      }
      headers = Collections.unmodifiableMap(copy);
    }

    /** True when the request carries a deadline. */
    public boolean hasTimeout() {
      return timeoutMillis != NO_TIMEOUT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Request r && r.callId == callId && r.service.equals(service) && r.methodId.equals(methodId)
          && r.mode == mode && r.timeoutMillis == timeoutMillis && r.headers.equals(headers)
          && Arrays.equals(r.arguments, arguments);
    }

    @Override
    public int hashCode() {
      return Objects.hash(callId, service, methodId, mode, timeoutMillis, headers, Arrays.hashCode(arguments));
    }

    @Override
    public String toString() {
      return "Request[call=" + callId + ", service=" + service + ", method=" + methodId + ", mode=" + mode
          + ", timeout=" + timeoutMillis + "ms, headers=" + headers.keySet() + ", " + arguments.length
          + " argument bytes]";
    }
  }

  /**
   * The result of a unary call.
   *
   * @param callId the call
   * @param value the encoded result; empty for a {@code void} method
   */
  record Response(long callId, byte[] value) implements RpcFrame {
    /** Checks the fields. */
    public Response {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response r && r.callId == callId && Arrays.equals(r.value, value);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(callId) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Response[call=" + callId + ", " + value.length + " bytes]";
    }
  }

  /**
   * The call failed; ends the call.
   *
   * @param callId the call
   * @param kind why
   * @param remoteClass the class name of the exception the service threw, for
   *     {@link FailureKind#APPLICATION}; empty when there is none
   * @param message what went wrong, possibly empty
   * @param stack the remote stack, innermost first (only class, method, file and line travel; a
   *     missing file name is null)
   */
  record Failure(long callId, FailureKind kind, String remoteClass, String message, List<StackTraceElement> stack)
      implements RpcFrame {
    /** Checks the fields and keeps a copy of the stack with only the fields that travel. */
    public Failure {
      Objects.requireNonNull(kind, "kind");
      WireStrings.requireWellFormed(remoteClass, "remote class");
      WireStrings.requireWellFormed(message, "message");
      checkWireString(remoteClass, "remote class");
      if (WireStrings.utf8Length(message) > 0xFFFF) {
        throw new IllegalArgumentException("failure message is over 65535 UTF-8 bytes");
      }
      Objects.requireNonNull(stack, "stack");
      StackTraceElement[] copy = new StackTraceElement[stack.size()];
      for (int i = 0; i < copy.length; i++) {
        StackTraceElement e = Objects.requireNonNull(stack.get(i), "stack frame");
        String file = e.getFileName() == null || e.getFileName().isEmpty() ? null : e.getFileName();
        checkWireString(e.getClassName(), "stack frame class");
        checkWireString(e.getMethodName(), "stack frame method");
        if (file != null) {
          checkWireString(file, "stack frame file");
        }
        copy[i] = new StackTraceElement(e.getClassName(), e.getMethodName(), file, e.getLineNumber());
      }
      stack = List.of(copy);
    }

    /** A failure without a remote exception, for the kinds the RPC layer raises itself. */
    public static Failure of(long callId, FailureKind kind, String message) {
      return new Failure(callId, kind, "", message, List.of());
    }

    private static void checkWireString(String s, String field) {
      WireStrings.requireWellFormed(s, field);
      if (WireStrings.utf8Length(s) > RpcLimits.MAX_STACK_STRING_BYTES) {
        throw new IllegalArgumentException(field + " is over " + RpcLimits.MAX_STACK_STRING_BYTES + " UTF-8 bytes");
      }
    }
  }

  /**
   * The caller gave up on the call; the server stops working on it and answers nothing more.
   *
   * @param callId the call
   */
  record Cancel(long callId) implements RpcFrame {}

  /**
   * One element of a server stream, sent only within the caller's outstanding demand.
   *
   * @param callId the call
   * @param value the encoded element
   */
  record StreamItem(long callId, byte[] value) implements RpcFrame {
    /** Checks the fields. */
    public StreamItem {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StreamItem s && s.callId == callId && Arrays.equals(s.value, value);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(callId) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "StreamItem[call=" + callId + ", " + value.length + " bytes]";
    }
  }

  /**
   * A server stream completed normally; ends the call.
   *
   * @param callId the call
   */
  record StreamEnd(long callId) implements RpcFrame {}

  /**
   * The caller can take {@code n} more stream items (request-n, as in Reactive Streams). Demand adds
   * up and saturates at {@link Long#MAX_VALUE}, which means "unbounded".
   *
   * @param callId the call
   * @param n 1..{@link Long#MAX_VALUE}
   */
  record Demand(long callId, long n) implements RpcFrame {
    /** Checks the count. */
    public Demand {
      if (n < 1) {
        throw new IllegalArgumentException("demand must be at least 1, got " + n);
      }
    }
  }

  /** True when {@code key} can be a header key. */
  static boolean isValidHeaderKey(String key) {
    if (key.isEmpty() || key.length() > RpcLimits.MAX_HEADER_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (!isHeaderKeyChar(key.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Printable ASCII without space. */
  static boolean isHeaderKeyChar(int c) {
    return c > 0x20 && c < 0x7f;
  }
}
