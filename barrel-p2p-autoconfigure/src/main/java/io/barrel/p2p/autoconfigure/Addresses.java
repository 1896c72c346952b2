package io.barrel.p2p.autoconfigure;

import java.net.InetSocketAddress;

/** Socket addresses as operators write them: {@code 127.0.0.1:9443}, {@code [::1]:9443}. */
public final class Addresses {

  private Addresses() {}

  /** {@code host:port} without the resolver's leading slash; {@code null} stays {@code null}. */
  public static String format(InetSocketAddress address) {
    if (address == null) {
      return null;
    }
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
