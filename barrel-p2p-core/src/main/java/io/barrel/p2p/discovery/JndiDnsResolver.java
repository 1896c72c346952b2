package io.barrel.p2p.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * The production {@link DnsResolver}: the JDK's JNDI DNS provider ({@code com.sun.jndi.dns}) for
 * SRV records, and for addresses too when a DNS server is configured.
 *
 * <p>With no server configured, addresses come from {@link InetAddress} so that {@code
 * /etc/hosts}, nsswitch and the JVM's address cache apply as they do for the rest of the
 * application; the timeout and attempts then only govern SRV queries. With a server configured,
 * every question goes to that server (a name only {@code /etc/hosts} knows will not resolve), which
 * is what a test or an isolated DNS zone wants.
 *
 * <p>JNDI waits {@code timeout} for the first answer and doubles the wait for each further
 * attempt, so the worst case per query is {@code timeout * (2^attempts - 1)}. Names are taken as
 * absolute (no search domains are appended), so SRV names must be fully qualified. JNDI does not
 * cache: every call is a query. A new context is made per query because JNDI contexts are not
 * thread-safe and DNS contexts hold no connection worth reusing.
 */
public final class JndiDnsResolver implements DnsResolver {

  /** Port used when the configured server names none. */
  public static final int DNS_PORT = 53;

  private static final Duration SYSTEM_TIMEOUT = Duration.ofSeconds(2);
  private static final int SYSTEM_ATTEMPTS = 2;

  private final String providerUrl;
  private final boolean systemAddresses;
  private final long timeoutMillis;
  private final int attempts;

  /**
   * Creates a resolver.
   *
   * @param server {@code host}, {@code host:port} or {@code [ipv6]:port} of the DNS server to ask,
   *     or null for the system's name servers (from {@code /etc/resolv.conf} or the OS)
   * @param timeout how long the first attempt waits for an answer (1 ms .. 1 min)
   * @param attempts how many times a query is sent before giving up (1 .. 10)
   */
  public JndiDnsResolver(String server, Duration timeout, int attempts) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "DNS timeout " + timeout + " is out of range; use between 1 ms and 1 minute");
    }
    if (attempts < 1 || attempts > 10) {
      throw new IllegalArgumentException(
          "DNS attempts " + attempts + " is out of range; use between 1 and 10");
    }
    if (server == null) {
      this.providerUrl = "dns:";
      this.systemAddresses = true;
    } else {
      HostPort hostPort;
      try {
        hostPort = HostPort.parse(server, DNS_PORT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("DNS server '" + server + "' is invalid: "
            + e.getMessage() + "; expected host, host:port or [ipv6]:port, e.g. 10.96.0.10:53", e);
      }
      this.providerUrl = "dns://" + hostPort;
      this.systemAddresses = false;
    }
    this.timeoutMillis = Math.max(1, timeout.toMillis());
    this.attempts = attempts;
  }

  /** The resolver {@link DnsResolver#system()} returns: system name servers, 2 s, 2 attempts. */
  public static JndiDnsResolver system() {
    return new JndiDnsResolver(null, SYSTEM_TIMEOUT, SYSTEM_ATTEMPTS);
  }

  @Override
  public List<InetAddress> addresses(String host) throws IOException {
    if (IpLiteral.looksLikeOne(host)) {
      return literal(host);
    }
    if (systemAddresses) {
      try {
        return List.of(InetAddress.getAllByName(host));
      } catch (UnknownHostException e) {
        // The OS resolver does not tell "no such name" from "could not ask"; both mean no address.
        return List.of();
      }
    }
    List<InetAddress> out = new ArrayList<>();
    List<String> v4 = query(host, "A");
    if (v4 == null) {
      return List.of();
    }
    for (String value : v4) {
      out.addAll(literal(value));
    }
    List<String> v6 = query(host, "AAAA");
    if (v6 != null) {
      for (String value : v6) {
        out.addAll(literal(value));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public List<SrvRecord> srv(String name) throws IOException {
    List<String> values = query(name, "SRV");
    if (values == null) {
      return List.of();
    }
    List<SrvRecord> out = new ArrayList<>(values.size());
    for (String value : values) {
      out.add(parseSrv(name, value));
    }
    return List.copyOf(out);
  }

  /** Where queries go, for messages: {@code dns:} (system servers) or {@code dns://host:port}. */
  public String providerUrl() {
    return providerUrl;
  }

  /** The record values of one type, an empty list for "no records", null for "no such name". */
  private List<String> query(String name, String type) throws IOException {
    Hashtable<String, Object> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, providerUrl);
    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(timeoutMillis));
    env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(attempts));
    DirContext context = null;
    try {
      context = new InitialDirContext(env);
      Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
      List<String> values = new ArrayList<>();
      if (attribute != null) {
        NamingEnumeration<?> all = attribute.getAll();
        while (all.hasMore()) {
          values.add(String.valueOf(all.next()));
        }
      }
      return values;
    } catch (NameNotFoundException e) {
      return null;
    } catch (NamingException e) {
      Throwable cause = e.getRootCause();
      throw new IOException("DNS " + type + " query for '" + name + "' via " + providerUrl
          + " failed: " + e.getMessage() + (cause == null ? "" : " (" + cause + ")")
          + "; check the DNS server setting and that the server is reachable", e);
    } finally {
      if (context != null) {
        try {
          context.close();
        } catch (NamingException ignored) {
          // Nothing is held open between queries; a failed close loses nothing.
        }
      }
    }
  }

  private static SrvRecord parseSrv(String name, String value) throws IOException {
    // JNDI renders SRV data as "priority weight port target".
    String[] parts = value.strip().split("\\s+");
    try {
      if (parts.length != 4) {
        throw new IllegalArgumentException("expected 4 fields");
      }
      return new SrvRecord(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]), parts[3]);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "malformed SRV record '" + value + "' for '" + name + "': " + e.getMessage(), e);
    }
  }

  private static List<InetAddress> literal(String text) {
    return IpLiteral.parse(text).map(List::of).orElse(List.of());
  }
}
