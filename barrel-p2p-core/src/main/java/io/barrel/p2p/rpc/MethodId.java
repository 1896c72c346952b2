package io.barrel.p2p.rpc;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The stable 64-bit id of a service method: the first 8 bytes (big-endian) of the SHA-256 of the
 * method's canonical signature in UTF-8. Both ends compute it from their own copy of the interface,
 * so they agree without sharing classes, and a change to a parameter type changes the id and is
 * reported as an incompatible method instead of as an argument that fails to decode.
 *
 * <p>The canonical signature is {@code name(type,type,...)} with no spaces, each parameter type
 * written as:
 * <ul>
 *   <li>a primitive: its keyword ({@code int});
 *   <li>a class: its binary name ({@code java.lang.String}, {@code com.example.Outer$Inner});
 *   <li>an array: the component type followed by {@code []} (varargs are arrays);
 *   <li>a parameterized type: the raw class, then its type arguments in angle brackets separated by
 *       commas ({@code java.util.Map<java.lang.String,java.util.List<java.lang.Integer>>}); the type
 *       arguments of an enclosing class are not written;
 *   <li>a wildcard: {@code ?}, {@code ? extends X} or {@code ? super X} ({@code ? extends Object} is
 *       {@code ?});
 *   <li>a type variable: its erasure, the raw class of its first bound ({@code <T extends
 *       Comparable<T>>} is {@code java.lang.Comparable}), so renaming a variable keeps the id.
 * </ul>
 * The return type is left out: Java allows no two methods differing only in it, and whether the
 * result comes back synchronously, as a future or as a stream is each side's own choice (the request
 * frame's flags carry the call's shape, and the server checks them).
 *
 * @param value the id as it travels on the wire
 */
public record MethodId(long value) {

  /** The id of {@code method}. */
  public static MethodId of(Method method) {
    return ofSignature(signature(method));
  }

  /** The id of a canonical signature written by {@link #signature(Method)} (or by hand, for another language). */
  public static MethodId ofSignature(String signature) {
    Objects.requireNonNull(signature, "signature");
    byte[] digest = sha256().digest(signature.getBytes(StandardCharsets.UTF_8));
    long value = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      value = (value << 8) | (digest[i] & 0xff);
    }
    return new MethodId(value);
  }

  /** The canonical signature of {@code method}, the input of its id. */
  public static String signature(Method method) {
    StringBuilder out = new StringBuilder(method.getName()).append('(');
    Type[] parameters = method.getGenericParameterTypes();
    for (int i = 0; i < parameters.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendType(out, parameters[i]);
    }
    return out.append(')').toString();
  }

  /** Writes one type in the canonical form described on this class. */
  static void appendType(StringBuilder out, Type type) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        appendType(out, c.getComponentType());
        out.append("[]");
      } else {
        out.append(c.getName());
      }
    } else if (type instanceof ParameterizedType p) {
      appendType(out, p.getRawType());
      out.append('<');
      Type[] arguments = p.getActualTypeArguments();
      for (int i = 0; i < arguments.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        appendType(out, arguments[i]);
      }
      out.append('>');
    } else if (type instanceof GenericArrayType a) {
      appendType(out, a.getGenericComponentType());
      out.append("[]");
    } else if (type instanceof WildcardType w) {
      out.append('?');
      if (w.getLowerBounds().length > 0) {
        out.append(" super ");
        appendType(out, w.getLowerBounds()[0]);
      } else if (w.getUpperBounds().length > 0 && w.getUpperBounds()[0] != Object.class) {
        out.append(" extends ");
        appendType(out, w.getUpperBounds()[0]);
      }
    } else if (type instanceof TypeVariable<?> v) {
      appendType(out, erasure(v));
    } else {
      throw new IllegalArgumentException("unsupported kind of type " + type.getClass().getName() + ": " + type);
    }
  }

  /** The raw class of a type; a type variable's is that of its first bound. */
  static Class<?> erasure(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    } else if (type instanceof ParameterizedType p) {
      return erasure(p.getRawType());
    } else if (type instanceof GenericArrayType a) {
      return erasure(a.getGenericComponentType()).arrayType();
    } else if (type instanceof TypeVariable<?> v) {
      Type[] bounds = v.getBounds();
      return bounds.length == 0 ? Object.class : erasure(bounds[0]);
    }
    return Object.class;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** Sixteen hex digits, as in logs and error messages. */
  @Override
  public String toString() {
    return String.format("%016x", value);
  }
}
