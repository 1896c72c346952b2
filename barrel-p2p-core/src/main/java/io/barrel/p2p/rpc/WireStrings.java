package io.barrel.p2p.rpc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for the frame codec. Strict both ways so that every string that decodes re-encodes
 * to the same bytes: malformed input is refused instead of replaced, and a string with an unpaired
 * surrogate (which UTF-8 cannot carry) is refused when a frame is built.
 */
final class WireStrings {

  private WireStrings() {}

  /** True when every surrogate in {@code s} is half of a pair, so UTF-8 can carry it unchanged. */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Checks that a frame's string field can travel, naming the field otherwise. */
  static String requireWellFormed(String s, String field) {
    if (s == null) {
      throw new NullPointerException(field);
    }
    if (!isWellFormed(s)) {
      throw new IllegalArgumentException(field + " holds an unpaired surrogate, which UTF-8 cannot carry");
    }
    return s;
  }

  /** UTF-8 bytes of a well-formed string. */
  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Number of UTF-8 bytes {@code s} takes. */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Decodes strictly; null when the bytes are not valid UTF-8. */
  static String decode(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * The longest prefix of {@code s} that fits {@code maxBytes} of UTF-8 without splitting a
   * character; unpaired surrogates become {@code ?} first, so the result can always travel.
   */
  static String truncate(String s, int maxBytes) {
    String clean = isWellFormed(s) ? s : replaceUnpaired(s);
    if (utf8Length(clean) <= maxBytes) {
      return clean;
    }
    int bytes = 0;
    int i = 0;
    while (i < clean.length()) {
      int cp = clean.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      i += Character.charCount(cp);
    }
    return clean.substring(0, i);
  }

  private static String replaceUnpaired(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('?');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
