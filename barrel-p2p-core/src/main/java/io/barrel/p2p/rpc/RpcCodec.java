package io.barrel.p2p.rpc;

import java.lang.reflect.Method;

/**
 * Turns a service method's arguments and results into bytes and back, typed by the method's
 * declared generic types (both ends declare the same interface, so the bytes need not name
 * classes). The default is {@link JacksonCborCodec}; a user codec replaces it on both ends.
 *
 * <p>An implementation must be thread-safe, must never load or instantiate a class named by the
 * bytes (no polymorphic default typing, no Java serialization), and must bound what it reads; it
 * reports every failure as {@link RpcCodecException}. {@link RpcMethod#of(Method)} gives the
 * method's shape and value type.
 */
public interface RpcCodec {

  /**
   * Encodes a call's arguments.
   *
   * @param method the interface method called
   * @param arguments one per parameter, in order (null or empty for none)
   */
  byte[] encodeArguments(Method method, Object[] arguments);

  /** Decodes arguments into the method's declared parameter types; one element per parameter. */
  Object[] decodeArguments(Method method, byte[] bytes);

  /**
   * Encodes a result: the value of a {@link MethodShape#PLAIN} method, what a
   * {@link MethodShape#FUTURE} completed with, or one element of a {@link MethodShape#PUBLISHER};
   * for {@link MethodShape#VOID} and {@link MethodShape#ONE_WAY} methods, an empty array.
   */
  byte[] encodeResult(Method method, Object value);

  /** Decodes a result into the method's value type (see {@link RpcMethod#valueType()}); null for void methods. */
  Object decodeResult(Method method, byte[] bytes);
}
