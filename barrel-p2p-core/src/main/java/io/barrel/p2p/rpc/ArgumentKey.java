package io.barrel.p2p.rpc;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a call argument into the 64-bit key the consistent-hash balancer places on its ring: XXH64
 * of a type tag and the value's bytes. Every caller, in any JVM, must compute the same key for equal
 * values, so nothing here uses identity hash codes or {@code hashCode()} (which classes may compute
 * differently per run, like {@code Enum.hashCode}).
 *
 * <ul>
 *   <li>{@code null}: one fixed key;
 *   <li>{@code byte[]}: its content;
 *   <li>{@code CharSequence}, {@code Character}: the UTF-8 of the text; an enum constant: its name
 *       (so a parameter that changes from {@code String} to an enum keeps its keys);
 *   <li>{@code Byte}, {@code Short}, {@code Integer}, {@code Long} and their atomic forms, and a
 *       {@code BigInteger} that fits a long: the value as a long (equal numbers, equal keys);
 *       larger {@code BigInteger}s: their two's-complement bytes;
 *   <li>{@code Float}, {@code Double}: the value as a double ({@code -0.0} as {@code 0.0}, one NaN);
 *       {@code BigDecimal}: its value without trailing zeros ({@code 1.0} and {@code 1.00} alike);
 *   <li>{@code Boolean}, {@code UUID}: their value;
 *   <li>other arrays: their {@code Arrays.deepToString} text;
 *   <li>anything else (records, collections, value classes): the UTF-8 of its {@code toString()},
 *       which must therefore depend on the value only; a class that does not override
 *       {@code toString()} is refused, as its text carries an identity hash code.
 * </ul>
 */
final class ArgumentKey {

  private static final long KEY_SEED = 0x6B65_7973_6565_6431L;

  private static final byte NULL = 0;
  private static final byte BYTES = 1;
  private static final byte TEXT = 2;
  private static final byte BOOLEAN = 3;
  private static final byte INTEGER = 4;
  private static final byte BIG_INTEGER = 5;
  private static final byte FLOATING = 6;
  private static final byte DECIMAL = 7;
  private static final byte UUID_VALUE = 8;
  private static final byte ARRAY = 9;

  /** Whether a class has a toString() of its own (or inherits one from a class other than Object). */
  private static final ClassValue<Boolean> VALUE_TO_STRING = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      try {
        return type.getMethod("toString").getDeclaringClass() != Object.class;
      } catch (NoSuchMethodException e) {
        return false;
      }
    }
  };

  private ArgumentKey() {}

  /**
   * The key of {@code value}, argument {@code index} of {@code method} (named in the error).
   *
   * @throws IllegalArgumentException when the value's class has no value-based {@code toString()}
   */
  static long hash(Object value, int index, Method method) {
    return Xxh64.hash(bytes(value, index, method), KEY_SEED);
  }

  static byte[] bytes(Object value, int index, Method method) {
    if (value == null) {
      return new byte[] {NULL};
    }
    if (value instanceof byte[]) {
      byte[] b = (byte[]) value;
      byte[] out = new byte[b.length + 1];
      out[0] = BYTES;
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    }
    if (value instanceof CharSequence || value instanceof Character) {
      return tagged(TEXT, value.toString());
    }
    if (value instanceof Enum<?>) {
      return tagged(TEXT, ((Enum<?>) value).name());
    }
    if (value instanceof Boolean) {
      return new byte[] {BOOLEAN, (byte) (((Boolean) value) ? 1 : 0)};
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof AtomicLong || value instanceof AtomicInteger) {
      return integer(((Number) value).longValue());
    }
    if (value instanceof BigInteger) {
      BigInteger big = (BigInteger) value;
      if (big.bitLength() < 64) {
        return integer(big.longValue());
      }
      byte[] b = big.toByteArray();
      byte[] out = new byte[b.length + 1];
      out[0] = BIG_INTEGER;
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == 0.0) {
        d = 0.0;
      }
      return ByteBuffer.allocate(9).put(FLOATING).putLong(Double.doubleToLongBits(d)).array();
    }
    if (value instanceof BigDecimal) {
      BigDecimal decimal = (BigDecimal) value;
      String canonical = decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toString();
      return tagged(DECIMAL, canonical);
    }
    if (value instanceof UUID) {
      UUID uuid = (UUID) value;
      return ByteBuffer.allocate(17).put(UUID_VALUE).putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits()).array();
    }
    if (value.getClass().isArray()) {
      return tagged(ARRAY, Arrays.deepToString(new Object[] {value}));
    }
    if (!VALUE_TO_STRING.get(value.getClass())) {
      throw new IllegalArgumentException("cannot hash argument " + index + " of " + describe(method) + " for the"
          + " consistent-hash load balancer: " + value.getClass().getName() + " does not override toString(), so"
          + " its text (and key) would differ between JVMs; give it a value-based toString() (records have one)"
          + " or hash another argument");
    }
    return tagged(TEXT, value.toString());
  }

  private static byte[] integer(long v) {
    return ByteBuffer.allocate(9).put(INTEGER).putLong(v).array();
  }

  private static byte[] tagged(byte tag, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 1];
    out[0] = tag;
    System.arraycopy(utf8, 0, out, 1, utf8.length);
    return out;
  }

  /** {@code Interface.method(Type, Type)} for messages. */
  static String describe(Method method) {
    StringBuilder out = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.')
        .append(method.getName()).append('(');
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      out.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return out.append(')').toString();
  }
}
