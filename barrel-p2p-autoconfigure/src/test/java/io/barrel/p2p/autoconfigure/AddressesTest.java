package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressesTest {

  @Test
  void addressesReadAsOperatorsWriteThem() throws Exception {
    assertThat(Addresses.format(new InetSocketAddress("127.0.0.1", 9443))).isEqualTo("127.0.0.1:9443");
    assertThat(Addresses.format(new InetSocketAddress(InetAddress.getByAddress(loopback6()), 9443))).isEqualTo("[0:0:0:0:0:0:0:1]:9443");
    assertThat(Addresses.format(InetSocketAddress.createUnresolved("node-a.local", 1))).isEqualTo("node-a.local:1");
    assertThat(Addresses.format(null)).isNull();
  }

  private static byte[] loopback6() {
    byte[] address = new byte[16];
    address[15] = 1;
    return address;
  }
}
