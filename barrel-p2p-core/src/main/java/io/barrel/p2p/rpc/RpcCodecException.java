package io.barrel.p2p.rpc;

/**
 * Arguments or a result could not be encoded, or bytes could not be decoded into the method's
 * declared types. On the server it becomes a {@link FailureKind#BAD_ARGUMENTS} or
 * {@link FailureKind#INTERNAL} failure; on the caller it means the call was not sent, or its result
 * could not be read.
 */
public final class RpcCodecException extends RpcException {

  /** A codec failure saying which method and what went wrong. */
  public RpcCodecException(String message, Throwable cause) {
    super(null, message, cause);
  }

  /** A codec failure without an underlying exception. */
  public RpcCodecException(String message) {
    super(null, message);
  }
}
