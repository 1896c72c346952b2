package io.barrel.p2p.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A host (a name or an IP literal, IPv6 without brackets) and a port, as written in configuration
 * and endpoint files; resolved only when someone needs to dial it, so that a name that moves to a
 * new address is followed.
 */
record HostPort(String host, int port) {

  /** Marks {@link #parse(String, int)} calls where the text must carry its own port. */
  static final int PORT_REQUIRED = -1;

  /** Longest host accepted: a DNS name is at most 253 characters, IPv6 with a zone fits too. */
  static final int MAX_HOST_LENGTH = 253;

  HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
    }
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port}, or, when {@code defaultPort} is not {@link
   * #PORT_REQUIRED}, a bare {@code host} or {@code [ipv6]}.
   *
   * @throws IllegalArgumentException saying what is wrong, without the expected format (callers
   *     know what their setting looks like and add it)
   */
  static HostPort parse(String text, int defaultPort) {
    String s = text == null ? "" : text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the address is empty");
    }
    String host;
    String portText;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'[' has no closing ']'");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw new IllegalArgumentException("expected ':port' after ']', found '" + rest + "'");
      }
      portText = rest.isEmpty() ? null : rest.substring(1);
      checkIpv6(host);
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException("an IPv6 address needs brackets, e.g. [::1]:9443");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      portText = colon < 0 ? null : s.substring(colon + 1);
      checkHostName(host);
    }
    if (portText == null) {
      if (defaultPort == PORT_REQUIRED) {
        throw new IllegalArgumentException("the port is missing");
      }
      return new HostPort(host, defaultPort);
    }
    return new HostPort(host, parsePort(portText));
  }

  private static void checkIpv6(String host) {
    if (host.isEmpty() || host.indexOf(':') < 0) {
      throw new IllegalArgumentException(
          "brackets are only for IPv6 addresses, found '[" + host + "]'");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      // Hex digits, ':' and '.' (IPv4-mapped tail), then '%' and a zone id such as eth0.
      boolean ok = Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%'
          || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
      if (!ok) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    }
  }

  private static void checkHostName(String host) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("the host is empty");
    }
    if (host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException(
          "the host is longer than " + MAX_HOST_LENGTH + " characters");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (!ok) {
        throw new IllegalArgumentException(
            "the host '" + host + "' contains '" + c + "' (use a DNS name or an IP address)");
      }
    }
  }

  private static int parsePort(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port '" + text + "' is not a number between 1 and 65535");
    }
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
    }
    return port;
  }

  /**
   * Pairs the host's first address with the port: an IP literal is taken as is, a name is asked
   * of {@code resolver}; empty when the name has no address or the literal is invalid.
   *
   * @throws IOException when the resolver could not get an answer
   */
  Optional<InetSocketAddress> resolve(DnsResolver resolver) throws IOException {
    if (IpLiteral.looksLikeOne(host)) {
      return IpLiteral.parse(host).map(address -> new InetSocketAddress(address, port));
    }
    List<InetAddress> addresses = resolver.addresses(host);
    if (addresses == null || addresses.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new InetSocketAddress(addresses.get(0), port));
  }

  /** {@code host:port}, with brackets around an IPv6 host, the way it would be configured. */
  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
