package io.barrel.p2p.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The two DNS questions discovery asks, behind an interface so that backends can be tested
 * without a network and so that a deployment can plug in its own resolver.
 *
 * <p>"No such name" and "no records of that type" are answers, returned as an empty list; an
 * {@link IOException} means no answer was obtained (timeout, server failure, bad configuration).
 * Both methods block.
 */
public interface DnsResolver {

  /** The IPv4 and IPv6 addresses of {@code host}; an IP literal resolves to itself. */
  List<InetAddress> addresses(String host) throws IOException;

  /** The SRV records published under {@code name}, e.g. {@code _barrel-p2p._udp.svc.example}. */
  List<SrvRecord> srv(String name) throws IOException;

  /**
   * The platform resolver: addresses through {@link InetAddress} (so {@code /etc/hosts} and the
   * JVM's cache apply), SRV through the JDK's JNDI DNS provider and the system's name servers.
   */
  static DnsResolver system() {
    return JndiDnsResolver.system();
  }
}
