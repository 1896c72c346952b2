package io.barrel.p2p.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A resolver answering from maps, or failing every question once told to. */
final class FakeDnsResolver implements DnsResolver {

  private final Map<String, List<InetAddress>> addresses = new HashMap<>();
  private final Map<String, List<SrvRecord>> srv = new HashMap<>();
  private volatile boolean failing;

  FakeDnsResolver address(String host, String literal) {
    try {
      addresses.computeIfAbsent(host, k -> new ArrayList<>()).add(InetAddress.getByName(literal));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
    return this;
  }

  FakeDnsResolver srv(String name, int priority, int weight, int port, String target) {
    srv.computeIfAbsent(name, k -> new ArrayList<>()).add(new SrvRecord(priority, weight, port, target));
    return this;
  }

  FakeDnsResolver failing() {
    failing = true;
    return this;
  }

  @Override
  public List<InetAddress> addresses(String host) throws IOException {
    if (failing) {
      throw new IOException("DNS timeout (fake)");
    }
    return addresses.getOrDefault(host, List.of());
  }

  @Override
  public List<SrvRecord> srv(String name) throws IOException {
    if (failing) {
      throw new IOException("DNS timeout (fake)");
    }
    return srv.getOrDefault(name, List.of());
  }
}
