package io.barrel.p2p.rpc;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

/**
 * A service interface method checked for remote use, with what both ends need to know about it:
 * its id, its shape, and the type of the values that travel back. {@link #of(Method)} refuses
 * methods the RPC layer cannot carry, with a message saying what to change.
 *
 * @param method the interface method
 * @param id its stable id
 * @param signature the canonical signature the id was computed from
 * @param shape how it returns
 * @param valueType the declared type of the result, or of each stream element; {@code void.class}
 *     for {@link MethodShape#VOID} and {@link MethodShape#ONE_WAY}
 * @param idempotent true when the method or the interface declaring it is annotated {@link Idempotent}
 */
public record RpcMethod(Method method, MethodId id, String signature, MethodShape shape, Type valueType,
    boolean idempotent) {

  /** Checks the fields. */
  public RpcMethod {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(valueType, "valueType");
  }

  /**
   * Describes {@code method}.
   *
   * @throws IllegalArgumentException when the method cannot be called remotely; the message says why
   */
  public static RpcMethod of(Method method) {
    Objects.requireNonNull(method, "method");
    String where = method.getDeclaringClass().getName() + "." + MethodId.signature(method);
    if (Modifier.isStatic(method.getModifiers())) {
      throw new IllegalArgumentException(where + " is static; only instance methods can be called remotely");
    }
    if (isObjectMethod(method)) {
      throw new IllegalArgumentException(where + " is a java.lang.Object method, answered locally, never remotely");
    }
    if (method.getTypeParameters().length > 0) {
      throw new IllegalArgumentException(where + " declares type parameters; the codec needs concrete types to"
          + " decode without polymorphic typing, so declare the method with concrete types");
    }
    for (Type parameter : method.getGenericParameterTypes()) {
      checkConcrete(parameter, where);
      Class<?> raw = MethodId.erasure(parameter);
      if (isAsyncOrStream(raw) || Iterator.class.isAssignableFrom(raw) || isIo(raw)) {
        throw new IllegalArgumentException(where + " takes a " + raw.getName() + " parameter; arguments travel"
            + " as values, so pass the data itself (only results can be futures or streams)");
      }
    }
    boolean oneWay = method.isAnnotationPresent(OneWay.class);
    Type returnType = method.getGenericReturnType();
    if (oneWay && returnType != void.class) {
      throw new IllegalArgumentException(where + " is @OneWay but returns " + returnType.getTypeName()
          + "; a one-way call sends nothing back, so it must return void");
    }
    MethodShape shape;
    Type valueType;
    if (returnType == void.class) {
      shape = oneWay ? MethodShape.ONE_WAY : MethodShape.VOID;
      valueType = void.class;
    } else {
      Class<?> raw = MethodId.erasure(returnType);
      if (raw == CompletableFuture.class || raw == CompletionStage.class) {
        shape = MethodShape.FUTURE;
        valueType = elementType(returnType, where);
      } else if (raw == Flow.Publisher.class) {
        shape = MethodShape.PUBLISHER;
        valueType = elementType(returnType, where);
      } else if (raw.getName().equals(MONO)) {
        shape = MethodShape.MONO;
        valueType = elementType(returnType, where);
      } else if (raw.getName().equals(FLUX)) {
        shape = MethodShape.FLUX;
        valueType = elementType(returnType, where);
      } else if (isAsyncOrStream(raw) || Iterator.class.isAssignableFrom(raw) || isIo(raw)) {
        throw new IllegalArgumentException(where + " returns " + returnType.getTypeName() + "; return a value,"
            + " CompletableFuture<T>, CompletionStage<T> or Reactor's Mono<T> for an asynchronous result, or"
            + " java.util.concurrent.Flow.Publisher<T> or Reactor's Flux<T> for a stream");
      } else {
        shape = MethodShape.PLAIN;
        valueType = returnType;
      }
      checkConcrete(valueType, where);
      Class<?> rawValue = MethodId.erasure(valueType);
      if (isAsyncOrStream(rawValue) || isIo(rawValue)) {
        throw new IllegalArgumentException(where + " returns a " + rawValue.getName() + " inside "
            + raw.getSimpleName() + "; nest at most one future or stream");
      }
    }
    boolean idempotent = method.isAnnotationPresent(Idempotent.class)
        || method.getDeclaringClass().isAnnotationPresent(Idempotent.class);
    String signature = MethodId.signature(method);
    return new RpcMethod(method, MethodId.ofSignature(signature), signature, shape, valueType, idempotent);
  }

  /**
   * The methods of {@code serviceInterface} that proxies and exports carry, checked as
   * {@link ServiceExport} and {@link ServiceLocator#proxy} check them, in signature order. Lets a
   * framework refuse an unusable interface at startup, before any node runs.
   *
   * @throws IllegalArgumentException when a method cannot be called remotely, or the interface has
   *     none; the message says why
   */
  public static List<RpcMethod> ofInterface(Class<?> serviceInterface) {
    Objects.requireNonNull(serviceInterface, "serviceInterface");
    return List.copyOf(ServiceExport.table(serviceInterface).values());
  }

  /** The call mode requests for this method carry. */
  public CallMode callMode() {
    return shape.callMode();
  }

  /** "Interface.method(types)", for messages. */
  public String describe() {
    return method.getDeclaringClass().getSimpleName() + "." + signature;
  }

  private static Type elementType(Type returnType, String where) {
    if (!(returnType instanceof ParameterizedType p)) {
      throw new IllegalArgumentException(where + " returns a raw " + returnType.getTypeName()
          + "; declare its element type, e.g. " + returnType.getTypeName() + "<String>");
    }
    Type element = p.getActualTypeArguments()[0];
    if (element instanceof WildcardType w) {
      // "? extends T" reads as T; "?" and "? super T" as Object, which decodes to plain maps and lists.
      element = w.getLowerBounds().length == 0 ? w.getUpperBounds()[0] : Object.class;
    }
    return element;
  }

  private static void checkConcrete(Type type, String where) {
    if (type instanceof TypeVariable<?> v) {
      throw new IllegalArgumentException(where + " uses the type variable " + v.getName() + " of "
          + v.getGenericDeclaration() + "; the codec needs concrete types to decode without polymorphic typing,"
          + " so export an interface that declares its methods with concrete types");
    } else if (type instanceof ParameterizedType p) {
      for (Type argument : p.getActualTypeArguments()) {
        checkConcrete(argument, where);
      }
    } else if (type instanceof GenericArrayType a) {
      checkConcrete(a.getGenericComponentType(), where);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        checkConcrete(bound, where);
      }
      for (Type bound : w.getLowerBounds()) {
        checkConcrete(bound, where);
      }
    }
  }

  /** Reactor's types, named rather than imported: Reactor is optional. */
  static final String MONO = "reactor.core.publisher.Mono";
  static final String FLUX = "reactor.core.publisher.Flux";

  private static boolean isAsyncOrStream(Class<?> raw) {
    return Future.class.isAssignableFrom(raw) || CompletionStage.class.isAssignableFrom(raw)
        || isReactiveStreamsPublisher(raw)
        || Flow.Publisher.class.isAssignableFrom(raw) || Flow.Subscriber.class.isAssignableFrom(raw)
        || BaseStream.class.isAssignableFrom(raw);
  }

  private static boolean isIo(Class<?> raw) {
    return InputStream.class.isAssignableFrom(raw) || OutputStream.class.isAssignableFrom(raw)
        || Reader.class.isAssignableFrom(raw) || Writer.class.isAssignableFrom(raw);
  }

  /** True for a redeclared public method of {@link Object} (equals, hashCode, toString), which proxies answer locally. */
  static boolean isObjectMethod(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static boolean isReactiveStreamsPublisher(Class<?> raw) {
    for (Class<?> c = raw; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (i.getName().equals("org.reactivestreams.Publisher") || isReactiveStreamsPublisher(i)) {
          return true;
        }
      }
    }
    return raw.getName().equals("org.reactivestreams.Publisher");
  }
}
