package io.barrel.p2p.rpc;

import io.barrel.p2p.rpc.RpcDecodeException.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes and decodes {@link RpcFrame}s. Everything is big-endian; every length and count is
 * checked against the bounds before anything is allocated from it; a decode either returns a frame
 * that re-encodes to the same bytes or throws {@link RpcDecodeException}, nothing else, for any
 * input. Frames are self-delimiting so several can follow one another on a stream; see
 * {@link RpcFrameDecoder} for reading them as bytes arrive.
 *
 * <pre>
 * every frame
 *  +-------------+---------+------+------------------+
 *  | length u32  | version | type | body             |   length = 2 + body bytes, 2..max-frame-bytes
 *  +-------------+---------+------+------------------+   version u8 = 1
 *
 *  type  frame        body
 *  ----  -----------  ------------------------------------------------------------------------
 *   1    REQUEST      call u64 | flags u8 | method u64 | timeout-ms u32 | s u16 | service (s)
 *                     | h u16 | h x ( k u8 | key (k) | v u16 | value (v) ) | arguments (the rest)
 *   2    RESPONSE     call u64 | value (the rest; empty for void)
 *   3    FAILURE      call u64 | kind u8 | c u16 | remote class (c) | m u16 | message (m)
 *                     | f u16 | f x ( c u16 | class (c) | m u16 | method (m) | n u16 | file (n) | line i32 )
 *   4    CANCEL       call u64
 *   5    STREAM_ITEM  call u64 | value (the rest)
 *   6    STREAM_END   call u64
 *   7    DEMAND       call u64 | n u64, 1..2^63-1
 * </pre>
 *
 * <ul>
 *   <li>flags: bit 0 one-way, bit 1 server stream, neither = unary; both, or any other bit, is malformed.
 *   <li>timeout: milliseconds the caller still waits, counted from when the server reads the request;
 *       0 = no deadline.
 *   <li>strings are strict UTF-8; service 1..{@value RpcLimits#MAX_SERVICE_NAME_BYTES} bytes; header keys
 *       1..{@value RpcLimits#MAX_HEADER_KEY_LENGTH} bytes of printable ASCII without space, no
 *       duplicates; at most {@link RpcLimits#maxHeaders()} headers of at most
 *       {@link RpcLimits#maxHeaderValueBytes()} bytes each.
 *   <li>failure kind: {@link FailureKind#code()}; remote class and stack strings at most
 *       {@value RpcLimits#MAX_STACK_STRING_BYTES} bytes; a file of length 0 is "unknown"; message at most
 *       {@link RpcLimits#maxErrorMessageBytes()} bytes; at most {@link RpcLimits#maxStackFrames()} frames.
 * </ul>
 *
 * The length prefix bounds the whole message, arguments and results included, so an oversized frame
 * is refused from its first four bytes: {@link #encode} throws {@link PayloadTooLargeException}
 * before anything is written, and the decoder refuses the prefix with
 * {@link RpcDecodeException.Problem#FRAME_TOO_LARGE}. Both peers must run with the same limits.
 */
public final class RpcFrameCodec {

  /** The protocol version this code speaks. */
  public static final int VERSION = 1;
  /** Bytes of the length prefix. */
  public static final int LENGTH_BYTES = 4;
  /** Bytes of version and type: the smallest possible length. */
  static final int MIN_LENGTH = 2;

  static final int REQUEST = 1;
  static final int RESPONSE = 2;
  static final int FAILURE = 3;
  static final int CANCEL = 4;
  static final int STREAM_ITEM = 5;
  static final int STREAM_END = 6;
  static final int DEMAND = 7;

  static final int ONE_WAY = 0x01;
  static final int SERVER_STREAM = 0x02;

  private static final int CALL_ID_BYTES = 8;
  private static final int REQUEST_FIXED_BYTES = 8 + 1 + 8 + 4 + 2 + 2;
  private static final int FAILURE_FIXED_BYTES = 8 + 1 + 2 + 2 + 2;
  private static final int STACK_FRAME_FIXED_BYTES = 2 + 2 + 2 + 4;

  private final RpcLimits limits;

  /** A codec with these limits. */
  public RpcFrameCodec(RpcLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The limits this codec holds frames to. */
  public RpcLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- encoding

  /**
   * The frame's bytes, length prefix included.
   *
   * @throws PayloadTooLargeException when the frame is over the maximum message size; nothing is
   *     allocated for it
   * @throws IllegalArgumentException when a field is over another of this codec's limits
   */
  public byte[] encode(RpcFrame frame) {
    Objects.requireNonNull(frame, "frame");
    // Java 17 has no pattern switch; the chain ends in an error so a new frame type cannot slip by.
    if (frame instanceof RpcFrame.Request r) {
      return request(r);
    } else if (frame instanceof RpcFrame.Response r) {
      return withBytes(RESPONSE, r.callId(), r.value(), "result");
    } else if (frame instanceof RpcFrame.Failure f) {
      return failure(f);
    } else if (frame instanceof RpcFrame.Cancel c) {
      return start(CANCEL, CALL_ID_BYTES, "cancel").putLong(c.callId()).array();
    } else if (frame instanceof RpcFrame.StreamItem s) {
      return withBytes(STREAM_ITEM, s.callId(), s.value(), "stream item");
    } else if (frame instanceof RpcFrame.StreamEnd e) {
      return start(STREAM_END, CALL_ID_BYTES, "stream end").putLong(e.callId()).array();
    } else if (frame instanceof RpcFrame.Demand d) {
      return start(DEMAND, CALL_ID_BYTES + 8, "demand").putLong(d.callId()).putLong(d.n()).array();
    }
    throw new IllegalArgumentException("not an RPC frame: " + frame);
  }

  private byte[] request(RpcFrame.Request r) {
    Map<String, String> headers = r.headers();
    limits.checkHeaderCount(headers.size());
    byte[] service = WireStrings.utf8(r.service());
    List<byte[]> headerBytes = new ArrayList<>(headers.size() * 2);
    long size = REQUEST_FIXED_BYTES + (long) service.length + r.arguments().length;
    for (Map.Entry<String, String> e : headers.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.US_ASCII);
      byte[] value = WireStrings.utf8(e.getValue());
      limits.checkHeaderValue(e.getKey(), value.length);
      headerBytes.add(key);
      headerBytes.add(value);
      size += 1 + key.length + 2 + value.length;
    }
    int flags = r.mode() == CallMode.ONE_WAY ? ONE_WAY : r.mode() == CallMode.SERVER_STREAM ? SERVER_STREAM : 0;
    ByteBuffer out = start(REQUEST, size, "request")
        .putLong(r.callId()).put((byte) flags).putLong(r.methodId().value()).putInt((int) r.timeoutMillis())
        .putShort((short) service.length).put(service).putShort((short) headers.size());
    for (int i = 0; i < headerBytes.size(); i += 2) {
      byte[] key = headerBytes.get(i);
      byte[] value = headerBytes.get(i + 1);
      out.put((byte) key.length).put(key).putShort((short) value.length).put(value);
    }
    return out.put(r.arguments()).array();
  }

  private byte[] failure(RpcFrame.Failure f) {
    byte[] message = WireStrings.utf8(f.message());
    if (message.length > limits.maxErrorMessageBytes()) {
      throw new IllegalArgumentException("failure message of " + message.length + " bytes is over the "
          + limits.maxErrorMessageBytes() + "-byte limit (RpcLimits.maxErrorMessageBytes); build failures with"
          + " RemoteErrors, which truncates");
    }
    if (f.stack().size() > limits.maxStackFrames()) {
      throw new IllegalArgumentException("failure carries " + f.stack().size() + " stack frames; the limit is "
          + limits.maxStackFrames() + " (RpcLimits.maxStackFrames)");
    }
    byte[] remoteClass = WireStrings.utf8(f.remoteClass());
    List<byte[]> strings = new ArrayList<>(f.stack().size() * 3);
    long size = FAILURE_FIXED_BYTES + (long) remoteClass.length + message.length;
    for (StackTraceElement e : f.stack()) {
      byte[] cls = WireStrings.utf8(e.getClassName());
      byte[] method = WireStrings.utf8(e.getMethodName());
      byte[] file = e.getFileName() == null ? new byte[0] : WireStrings.utf8(e.getFileName());
      strings.add(cls);
      strings.add(method);
      strings.add(file);
      size += STACK_FRAME_FIXED_BYTES + cls.length + method.length + file.length;
    }
    ByteBuffer out = start(FAILURE, size, "failure")
        .putLong(f.callId()).put((byte) f.kind().code())
        .putShort((short) remoteClass.length).put(remoteClass)
        .putShort((short) message.length).put(message)
        .putShort((short) f.stack().size());
    for (int i = 0; i < f.stack().size(); i++) {
      for (int j = 0; j < 3; j++) {
        byte[] s = strings.get(i * 3 + j);
        out.putShort((short) s.length).put(s);
      }
      out.putInt(f.stack().get(i).getLineNumber());
    }
    return out.array();
  }

  private byte[] withBytes(int type, long callId, byte[] value, String what) {
    return start(type, CALL_ID_BYTES + (long) value.length, what).putLong(callId).put(value).array();
  }

  /** A buffer for a frame of {@code bodyBytes}, with its prefix, version and type written. */
  private ByteBuffer start(int type, long bodyBytes, String what) {
    long length = MIN_LENGTH + bodyBytes;
    if (length > limits.maxFrameBytes()) {
      throw new PayloadTooLargeException(PayloadTooLargeException.Side.SENDING, null, length,
          limits.maxFrameBytes(), "a " + what + " frame");
    }
    return ByteBuffer.allocate(LENGTH_BYTES + (int) length)
        .putInt((int) length).put((byte) VERSION).put((byte) type);
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes exactly one whole frame, length prefix included.
   *
   * @throws RpcDecodeException for anything that is not exactly one valid frame within bounds
   */
  public RpcFrame decode(byte[] bytes) throws RpcDecodeException {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < LENGTH_BYTES) {
      throw new RpcDecodeException(Problem.TRUNCATED, "an RPC frame starts with a 4-byte length; got "
          + bytes.length + " bytes");
    }
    long length = ((long) (bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
        | (bytes[3] & 0xff);
    checkLength(length);
    if (bytes.length - LENGTH_BYTES < length) {
      throw new RpcDecodeException(Problem.TRUNCATED, "RPC frame announces " + length + " bytes after its length,"
          + " " + (bytes.length - LENGTH_BYTES) + " are there");
    }
    if (bytes.length - LENGTH_BYTES > length) {
      throw new RpcDecodeException(Problem.MALFORMED, (bytes.length - LENGTH_BYTES - length)
          + " bytes after the end of an RPC frame");
    }
    return decodeContent(bytes, LENGTH_BYTES, (int) length);
  }

  /** Refuses a length prefix outside 2..max-frame-bytes, the moment its four bytes are known. */
  void checkLength(long length) throws RpcDecodeException {
    if (length > limits.maxFrameBytes()) {
      throw new RpcDecodeException(new PayloadTooLargeException(PayloadTooLargeException.Side.RECEIVING, null,
          length, limits.maxFrameBytes(), "a frame"));
    }
    if (length < MIN_LENGTH) {
      throw new RpcDecodeException(Problem.MALFORMED, "RPC frame length " + length
          + " is below the 2 bytes of version and type");
    }
  }

  /** Refuses a version byte other than {@link #VERSION}. */
  static void checkVersion(int version) throws RpcDecodeException {
    if (version != VERSION) {
      throw new RpcDecodeException(Problem.UNSUPPORTED_VERSION, "RPC frame version " + version
          + " (this node speaks " + VERSION + ")");
    }
  }

  /** Refuses a type byte that names no frame. */
  static void checkType(int type) throws RpcDecodeException {
    if (type < REQUEST || type > DEMAND) {
      throw new RpcDecodeException(Problem.UNKNOWN_TYPE, "unknown RPC frame type " + type);
    }
  }

  /** Decodes a frame's content: the {@code length} bytes after its prefix (version, type, body). */
  RpcFrame decodeContent(byte[] bytes, int offset, int length) throws RpcDecodeException {
    checkVersion(bytes[offset] & 0xff);
    int type = bytes[offset + 1] & 0xff;
    checkType(type);
    RpcWireReader in = new RpcWireReader(bytes, offset + MIN_LENGTH, length - MIN_LENGTH, typeName(type));
    RpcFrame frame;
    try {
      frame = switch (type) {
        case REQUEST -> decodeRequest(in);
        case RESPONSE -> new RpcFrame.Response(in.i64(), in.rest());
        case FAILURE -> decodeFailure(in);
        case CANCEL -> new RpcFrame.Cancel(in.i64());
        case STREAM_ITEM -> new RpcFrame.StreamItem(in.i64(), in.rest());
        case STREAM_END -> new RpcFrame.StreamEnd(in.i64());
        default -> decodeDemand(in);
      };
    } catch (IllegalArgumentException e) {
      // Belt and braces: every field is checked above, but a record refusing one must still end as a decode error.
      throw new RpcDecodeException(Problem.MALFORMED, typeName(type) + " frame: " + e.getMessage());
    }
    in.requireEnd();
    return frame;
  }

  private RpcFrame decodeRequest(RpcWireReader in) throws RpcDecodeException {
    long callId = in.i64();
    int flags = in.u8();
    CallMode mode;
    if (flags == 0) {
      mode = CallMode.UNARY;
    } else if (flags == ONE_WAY) {
      mode = CallMode.ONE_WAY;
    } else if (flags == SERVER_STREAM) {
      mode = CallMode.SERVER_STREAM;
    } else {
      throw new RpcDecodeException(Problem.MALFORMED, String.format("request flags 0x%02X: only one of 0x01"
          + " (one-way) and 0x02 (server stream) may be set", flags));
    }
    MethodId method = new MethodId(in.i64());
    long timeout = in.u32();
    int serviceLength = in.u16();
    if (serviceLength < 1 || serviceLength > RpcLimits.MAX_SERVICE_NAME_BYTES) {
      throw new RpcDecodeException(Problem.MALFORMED, "request service name of " + serviceLength
          + " bytes; 1.." + RpcLimits.MAX_SERVICE_NAME_BYTES + " allowed");
    }
    String service = in.utf8(serviceLength, "service name");
    int count = in.u16();
    if (count > limits.maxHeaders()) {
      throw new RpcDecodeException(Problem.LIMIT_EXCEEDED, "request carries " + count + " headers; the limit is "
          + limits.maxHeaders());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = headerKey(in);
      int valueLength = in.u16();
      if (valueLength > limits.maxHeaderValueBytes()) {
        throw new RpcDecodeException(Problem.LIMIT_EXCEEDED, "value of header '" + key + "' is " + valueLength
            + " bytes; the limit is " + limits.maxHeaderValueBytes());
      }
      if (headers.put(key, in.utf8(valueLength, "header value")) != null) {
        throw new RpcDecodeException(Problem.MALFORMED, "request repeats header '" + key + "'");
      }
    }
    return new RpcFrame.Request(callId, service, method, mode, timeout, headers, in.rest());
  }

  private static String headerKey(RpcWireReader in) throws RpcDecodeException {
    int length = in.u8();
    if (length < 1 || length > RpcLimits.MAX_HEADER_KEY_LENGTH) {
      throw new RpcDecodeException(Problem.MALFORMED, "header key of " + length + " bytes; 1.."
          + RpcLimits.MAX_HEADER_KEY_LENGTH + " allowed");
    }
    char[] key = new char[length];
    for (int i = 0; i < length; i++) {
      int c = in.u8();
      if (!RpcFrame.isHeaderKeyChar(c)) {
        throw new RpcDecodeException(Problem.MALFORMED, String.format("header key holds byte 0x%02X; keys are"
            + " printable ASCII without spaces", c));
      }
      key[i] = (char) c;
    }
    return new String(key);
  }

  private RpcFrame decodeFailure(RpcWireReader in) throws RpcDecodeException {
    long callId = in.i64();
    int code = in.u8();
    FailureKind kind = FailureKind.fromCode(code);
    if (kind == null) {
      throw new RpcDecodeException(Problem.MALFORMED, "unknown failure kind " + code);
    }
    String remoteClass = stackString(in, "remote class");
    int messageLength = in.u16();
    if (messageLength > limits.maxErrorMessageBytes()) {
      throw new RpcDecodeException(Problem.LIMIT_EXCEEDED, "failure message of " + messageLength
          + " bytes; the limit is " + limits.maxErrorMessageBytes());
    }
    String message = in.utf8(messageLength, "failure message");
    int frames = in.u16();
    if (frames > limits.maxStackFrames()) {
      throw new RpcDecodeException(Problem.LIMIT_EXCEEDED, "failure carries " + frames
          + " stack frames; the limit is " + limits.maxStackFrames());
    }
    List<StackTraceElement> stack = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      String cls = stackString(in, "stack frame class");
      String method = stackString(in, "stack frame method");
      String file = stackString(in, "stack frame file");
      stack.add(new StackTraceElement(cls, method, file.isEmpty() ? null : file, in.i32()));
    }
    return new RpcFrame.Failure(callId, kind, remoteClass, message, stack);
  }

  private static String stackString(RpcWireReader in, String field) throws RpcDecodeException {
    int length = in.u16();
    if (length > RpcLimits.MAX_STACK_STRING_BYTES) {
      throw new RpcDecodeException(Problem.MALFORMED, field + " of " + length + " bytes; at most "
          + RpcLimits.MAX_STACK_STRING_BYTES + " allowed");
    }
    return in.utf8(length, field);
  }

  private static RpcFrame decodeDemand(RpcWireReader in) throws RpcDecodeException {
    long callId = in.i64();
    long n = in.i64();
    if (n < 1) {
      throw new RpcDecodeException(Problem.MALFORMED, "demand of " + Long.toUnsignedString(n)
          + "; 1.." + Long.MAX_VALUE + " allowed");
    }
    return new RpcFrame.Demand(callId, n);
  }

  static String typeName(int type) {
    return switch (type) {
      case REQUEST -> "request";
      case RESPONSE -> "response";
      case FAILURE -> "failure";
      case CANCEL -> "cancel";
      case STREAM_ITEM -> "stream item";
      case STREAM_END -> "stream end";
      case DEMAND -> "demand";
      default -> "type-" + type;
    };
  }
}
