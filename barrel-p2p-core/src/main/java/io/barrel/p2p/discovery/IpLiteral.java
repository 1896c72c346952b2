package io.barrel.p2p.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises IPv4 and IPv6 address literals without ever asking DNS, so that a literal never
 * reaches a resolver and a resolver's answer is never mistaken for a name to look up.
 */
final class IpLiteral {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private IpLiteral() {}

  /** True when {@code host} is written as an address (dotted quad, or has a ':'), valid or not. */
  static boolean looksLikeOne(String host) {
    return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
  }

  /**
   * The address {@code text} spells (IPv6 may be in brackets and carry a {@code %zone}); empty
   * when it is not a valid literal. Never performs a lookup.
   */
  static Optional<InetAddress> parse(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    try {
      if (IPV4.matcher(s).matches()) {
        String[] parts = s.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return Optional.empty();
          }
          bytes[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(bytes));
      }
      int zone = s.indexOf('%');
      String address = zone < 0 ? s : s.substring(0, zone);
      if (address.isEmpty() || address.indexOf(':') < 0) {
        return Optional.empty();
      }
      for (int i = 0; i < address.length(); i++) {
        char c = address.charAt(i);
        if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
          return Optional.empty();
        }
      }
      // Starts with a hex digit or ':' and contains ':', so InetAddress parses it as IPv6 and
      // throws rather than looking it up.
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
