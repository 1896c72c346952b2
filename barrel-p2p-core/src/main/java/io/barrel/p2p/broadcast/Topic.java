package io.barrel.p2p.broadcast;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The name upper layers file broadcasts under, such as {@code registry} or {@code app.orders}:
 * receivers pick their listeners by it.
 *
 * <p>Rules (checked for names read off the wire too): 1–{@value #MAX_LENGTH} characters from
 * {@code [A-Za-z0-9_.:/-]}. The charset keeps topics printable in logs and metric tags, and the
 * small bound keeps them cheap to carry on every GOSSIP.
 *
 * @param name the topic's name
 */
public record Topic(String name) implements Comparable<Topic> {

  /** Longest topic accepted, in characters (topics are ASCII, so also in bytes). */
  public static final int MAX_LENGTH = 64;

  /** Checks the naming rules. */
  public Topic {
    Objects.requireNonNull(name, "topic");
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException("invalid broadcast topic '" + printable(name) + "': " + problem);
    }
  }

  /** Shorthand for {@code new Topic(name)}. */
  public static Topic of(String name) {
    return new Topic(name);
  }

  /** Parses a topic from ASCII bytes read off the wire; empty when it breaks a rule. */
  public static Optional<Topic> tryParse(byte[] ascii) {
    if (ascii == null || ascii.length == 0 || ascii.length > MAX_LENGTH) {
      return Optional.empty();
    }
    for (byte b : ascii) {
      if (!allowed((char) (b & 0xff))) {
        return Optional.empty();
      }
    }
    return Optional.of(new Topic(new String(ascii, StandardCharsets.US_ASCII)));
  }

  /** The topic as ASCII bytes, as it travels on the wire. */
  public byte[] toBytes() {
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  private static String problem(String name) {
    if (name.isEmpty()) {
      return "it is empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "it is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      if (!allowed(name.charAt(i))) {
        return "character '" + printable(String.valueOf(name.charAt(i)))
            + "' is not allowed (use A-Z a-z 0-9 _ . : / -)";
      }
    }
    return null;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 80; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  @Override
  public int compareTo(Topic other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
