package io.barrel.p2p;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A node's name, {@code name@host}: the identity a peer proves in the handshake and the key every
 * connection, view and registration is filed under.
 *
 * <p>Rules (checked before anything else uses a name, including names read off the wire): 1–255
 * bytes; exactly one {@code @}; non-empty name and host parts; only {@code [A-Za-z0-9_.-]}; neither
 * part starts with {@code .} or {@code -}. The charset keeps names safe as file names (trust pins,
 * discovery endpoints) with no escaping and no path traversal.
 */
public final class NodeName implements Comparable<NodeName> {

  /** Longest name accepted, in bytes (names are ASCII, so also in characters). */
  public static final int MAX_LENGTH = 255;

  private final String value;
  private final int at;
  /**
   * The string's hash, kept here: membership views compare names on every message, and reading it
   * from this object spares a load from the string (a cache miss when thousands of views are live).
   */
  private final int hash;

  private NodeName(String value, int at) {
    this.value = value;
    this.at = at;
    this.hash = value.hashCode();
  }

  /**
   * Parses and validates a node name.
   *
   * @throws IllegalArgumentException with the rule that was broken
   */
  public static NodeName of(String value) {
    Objects.requireNonNull(value, "node name");
    String problem = problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("invalid node name '" + printable(value) + "': " + problem);
    }
    return new NodeName(value, value.indexOf('@'));
  }

  /** Parses a name from bytes read off the wire or a file name; empty when it breaks a rule. */
  public static Optional<NodeName> tryParse(byte[] ascii) {
    if (ascii == null || ascii.length == 0 || ascii.length > MAX_LENGTH) {
      return Optional.empty();
    }
    for (byte b : ascii) {
      if (!allowed((char) (b & 0xff)) && b != '@') {
        return Optional.empty();
      }
    }
    return tryParse(new String(ascii, StandardCharsets.US_ASCII));
  }

  /** Parses a name; empty when it breaks a rule. */
  public static Optional<NodeName> tryParse(String value) {
    if (value == null || problem(value) != null) {
      return Optional.empty();
    }
    return Optional.of(new NodeName(value, value.indexOf('@')));
  }

  /** Returns why {@code value} is not a valid node name, or null when it is. */
  static String problem(String value) {
    if (value.isEmpty()) {
      return "it is empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "it is longer than " + MAX_LENGTH + " characters";
    }
    int at = value.indexOf('@');
    if (at < 0 || value.indexOf('@', at + 1) >= 0) {
      return "it must contain exactly one '@' (name@host)";
    }
    if (at == 0 || at == value.length() - 1) {
      return "the name and host parts must both be non-empty";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '@' && !allowed(c)) {
        return "character '" + printable(String.valueOf(c)) + "' is not allowed (use A-Z a-z 0-9 _ . -)";
      }
    }
    if (startsBadly(value.charAt(0)) || startsBadly(value.charAt(at + 1))) {
      return "neither part may start with '.' or '-'";
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == '-';
  }

  private static boolean startsBadly(char c) {
    return c == '.' || c == '-';
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  /** The part before the {@code @}. */
  public String name() {
    return value.substring(0, at);
  }

  /** The part after the {@code @}, often a host name or address. */
  public String host() {
    return value.substring(at + 1);
  }

  /** The name as ASCII bytes, as it travels on the wire. */
  public byte[] toBytes() {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public int compareTo(NodeName other) {
    return value.compareTo(other.value);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof NodeName n && n.hash == hash && n.value.equals(value);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return value;
  }
}
