package io.barrel.p2p.transport;

import java.util.Objects;

/**
 * The first bytes of every QUIC stream, saying what the stream carries. Layout in
 * {@link StreamHeaderCodec}.
 */
public sealed interface StreamHeader
    permits StreamHeader.Auth, StreamHeader.Control, StreamHeader.Data, StreamHeader.App {

  /** Application stream tags starting with this are kept for barrel-p2p's own streams. */
  String RESERVED_TAG_PREFIX = "barrel.";
  /** Longest application stream tag, in characters. */
  int MAX_TAG_LENGTH = 64;

  /** The authentication handshake. */
  record Auth() implements StreamHeader {}

  /** Membership, broadcast and registry traffic, the connection's highest-priority stream. */
  record Control() implements StreamHeader {}

  /** RPC calls and their replies. */
  record Data() implements StreamHeader {}

  /**
   * A tagged application stream.
   *
   * @param tag 1..64 characters of {@code [A-Za-z0-9._:/-]}; names the handler on the other side
   */
  record App(String tag) implements StreamHeader {
    /** Checks the tag. */
    public App {
      Objects.requireNonNull(tag, "tag");
      if (!isValidTag(tag)) {
        throw new IllegalArgumentException("invalid stream tag '" + tag.chars().limit(MAX_TAG_LENGTH)
            .map(c -> c >= 0x20 && c < 0x7f ? c : '?')
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            + "': use 1 to " + MAX_TAG_LENGTH + " characters of A-Z a-z 0-9 . _ : / -");
      }
    }

    /** True when the tag is in the range kept for barrel-p2p's own streams. */
    public boolean reserved() {
      return tag.startsWith(RESERVED_TAG_PREFIX);
    }
  }

  /** True when {@code tag} is 1..64 characters of {@code [A-Za-z0-9._:/-]}. */
  static boolean isValidTag(String tag) {
    if (tag.isEmpty() || tag.length() > MAX_TAG_LENGTH) {
      return false;
    }
    for (int i = 0; i < tag.length(); i++) {
      if (!isTagChar(tag.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** True for the characters a tag may hold. */
  static boolean isTagChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
  }
}
