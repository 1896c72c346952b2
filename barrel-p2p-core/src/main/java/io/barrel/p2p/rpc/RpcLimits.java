package io.barrel.p2p.rpc;

import java.util.Map;

/**
 * The bounds every RPC frame and payload is held to, on both sides of a call. Both peers should run
 * with the same limits: a frame over the receiver's limits is refused.
 *
 * @param maxFrameBytes largest frame after its length prefix (version, type and body), 1 KiB..1 GiB;
 *     this is the "maximum message size": arguments, results and stream items all ride inside one
 *     frame, so it bounds them too
 * @param maxHeaders most entries in a request's header map, 0..1024
 * @param maxHeaderValueBytes longest header value in UTF-8 bytes, 0..65535
 * @param maxErrorMessageBytes longest error message in UTF-8 bytes, 0..65535; longer messages are
 *     truncated when the error frame is built
 * @param maxStackFrames most remote stack frames an error carries, 0..1024; deeper stacks are cut
 * @param maxNestingDepth deepest nesting of arrays and objects the argument codec reads, 8..1000
 */
public record RpcLimits(int maxFrameBytes, int maxHeaders, int maxHeaderValueBytes, int maxErrorMessageBytes,
    int maxStackFrames, int maxNestingDepth) {

  /** Default maximum message size: 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** Smallest allowed frame limit: an error frame with a short message must always fit. */
  public static final int MIN_FRAME_BYTES = 1024;
  /** Largest allowed frame limit. */
  public static final int MAX_FRAME_BYTES = 1 << 30;
  /** Longest service name in UTF-8 bytes (a fully qualified interface name fits easily). */
  public static final int MAX_SERVICE_NAME_BYTES = 1024;
  /** Longest header key: 1..128 characters of printable ASCII without spaces. */
  public static final int MAX_HEADER_KEY_LENGTH = 128;
  /** Longest string inside a stack frame or the remote class name, in UTF-8 bytes; longer ones are cut. */
  public static final int MAX_STACK_STRING_BYTES = 1024;

  private static final RpcLimits DEFAULTS = new RpcLimits(DEFAULT_MAX_FRAME_BYTES, 64, 8192, 8192, 64, 100);

  /** Checks every bound. */
  public RpcLimits {
    check("max frame bytes", maxFrameBytes, MIN_FRAME_BYTES, MAX_FRAME_BYTES);
    check("max headers", maxHeaders, 0, 1024);
    check("max header value bytes", maxHeaderValueBytes, 0, 0xFFFF);
    check("max error message bytes", maxErrorMessageBytes, 0, 0xFFFF);
    check("max stack frames", maxStackFrames, 0, 1024);
    check("max nesting depth", maxNestingDepth, 8, 1000);
  }

  /**
   * The defaults: 16 MiB frames, 64 headers of up to 8 KiB (room for W3C trace context and baggage),
   * 8 KiB error messages, 64 stack frames, nesting depth 100.
   */
  public static RpcLimits defaults() {
    return DEFAULTS;
  }

  /** These limits with another maximum message size. */
  public RpcLimits withMaxFrameBytes(int bytes) {
    return new RpcLimits(bytes, maxHeaders, maxHeaderValueBytes, maxErrorMessageBytes, maxStackFrames,
        maxNestingDepth);
  }

  /** These limits with other header bounds. */
  public RpcLimits withHeaders(int count, int valueBytes) {
    return new RpcLimits(maxFrameBytes, count, valueBytes, maxErrorMessageBytes, maxStackFrames, maxNestingDepth);
  }

  /** These limits with other error bounds. */
  public RpcLimits withErrors(int messageBytes, int stackFrames) {
    return new RpcLimits(maxFrameBytes, maxHeaders, maxHeaderValueBytes, messageBytes, stackFrames, maxNestingDepth);
  }

  /** These limits with another nesting depth for the argument codec. */
  public RpcLimits withMaxNestingDepth(int depth) {
    return new RpcLimits(maxFrameBytes, maxHeaders, maxHeaderValueBytes, maxErrorMessageBytes, maxStackFrames,
        depth);
  }

  /**
   * Checks headers a caller would send against these limits, as every request's encoding does; a
   * proxy checks its call options' headers once, when it is made, so that a header set that could
   * never be sent fails at start-up rather than on every call.
   *
   * @throws IllegalArgumentException naming the header and the limit it breaks
   */
  public void checkHeaders(Map<String, String> headers) {
    checkHeaderCount(headers.size());
    for (Map.Entry<String, String> e : headers.entrySet()) {
      checkHeaderValue(e.getKey(), WireStrings.utf8(e.getValue()).length);
    }
  }

  void checkHeaderCount(int count) {
    if (count > maxHeaders) {
      throw new IllegalArgumentException("request carries " + count + " headers; the limit is " + maxHeaders
          + " (RpcLimits.maxHeaders)");
    }
  }

  void checkHeaderValue(String key, int valueBytes) {
    if (valueBytes > maxHeaderValueBytes) {
      throw new IllegalArgumentException("value of header '" + key + "' is " + valueBytes + " bytes; the limit is "
          + maxHeaderValueBytes + " (RpcLimits.maxHeaderValueBytes)");
    }
  }

  private static void check(String what, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + value);
    }
  }
}
