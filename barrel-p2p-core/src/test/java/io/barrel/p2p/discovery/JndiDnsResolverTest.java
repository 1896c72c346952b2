package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JNDI resolver against a real (tiny) DNS server on 127.0.0.1: the production path, end to end. */
class JndiDnsResolverTest {

  private static final String SRV = "_barrel-p2p._udp.peers.ns.svc.cluster.local";
  private static final String POD0 = "pod-0.peers.ns.svc.cluster.local";
  private static final String POD1 = "pod-1.peers.ns.svc.cluster.local";

  private TinyDnsServer dns;
  private JndiDnsResolver resolver;

  @BeforeEach
  void start() throws Exception {
    dns = new TinyDnsServer()
        .srv(SRV, new SrvRecord(10, 60, 9001, POD0 + "."))
        .srv(SRV, new SrvRecord(10, 40, 9002, POD1 + "."))
        .address(POD0, InetAddress.getByName("127.0.0.1"))
        .address(POD1, InetAddress.getByName("127.0.0.2"))
        .address(POD1, InetAddress.getByName("::1"));
    resolver = new JndiDnsResolver(dns.hostPort(), Duration.ofSeconds(2), 2);
  }

  @AfterEach
  void stop() throws Exception {
    dns.close();
  }

  @Test
  void srvQueryReturnsEveryRecord() throws IOException {
    assertThat(resolver.srv(SRV)).containsExactlyInAnyOrder(
        new SrvRecord(10, 60, 9001, POD0 + "."), new SrvRecord(10, 40, 9002, POD1 + "."));
  }

  @Test
  void addressQueryReturnsIpv4ThenIpv6() throws IOException {
    assertThat(resolver.addresses(POD1))
        .containsExactly(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("::1"));
  }

  @Test
  void unknownNameIsAnEmptyAnswerNotAnError() throws IOException {
    assertThat(resolver.addresses("nobody.peers.ns.svc.cluster.local")).isEmpty();
    assertThat(resolver.srv("_none._udp.peers.ns.svc.cluster.local")).isEmpty();
    assertThat(resolver.srv(POD0)).isEmpty();
  }

  @Test
  void ipLiteralsResolveWithoutAQuery() throws IOException {
    int before = dns.queries();

    assertThat(resolver.addresses("10.1.2.3")).containsExactly(InetAddress.getByName("10.1.2.3"));
    assertThat(resolver.addresses("fd00::1")).containsExactly(InetAddress.getByName("fd00::1"));
    assertThat(resolver.addresses("999.1.1.1")).isEmpty();
    assertThat(dns.queries()).isEqualTo(before);
  }

  @Test
  void silentServerFailsWithAnErrorNamingIt() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      JndiDnsResolver quick = new JndiDnsResolver("127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(100), 1);

      assertThatThrownBy(() -> quick.srv(SRV))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("DNS SRV query for '" + SRV + "' via dns://127.0.0.1:" + silent.getLocalPort());
    }
  }

  @Test
  void srvDiscoveryFindsPodsThroughJndi() {
    DnsDiscovery discovery = DnsDiscovery.srvRecords(resolver, SRV, "app");

    assertThat(discovery.list()).containsExactly(NodeName.of("app@" + POD0), NodeName.of("app@" + POD1));
    assertThat(discovery.lookup(NodeName.of("app@" + POD1)))
        .contains(new InetSocketAddress(addressOf("127.0.0.2"), 9002));
  }

  @Test
  void chainBuiltFromConfigUsesTheConfiguredServer() {
    DiscoveryConfig config = DiscoveryConfig.defaults()
        .withFileDirectory(null)
        .withDnsSrv(SRV, "app")
        .withDnsServer(dns.hostPort())
        .withDnsTimeout(Duration.ofSeconds(1), 2);
    DiscoveryChain chain = DiscoveryChain.build(config, List.of());

    assertThat(chain.lookup(NodeName.of("app@" + POD0))).contains(new InetSocketAddress(addressOf("127.0.0.1"), 9001));
    assertThat(chain.list()).hasSize(2);
  }

  @Test
  void addressModeThroughJndiUsesTheDefaultPort() {
    DnsDiscovery discovery = DnsDiscovery.addressRecords(resolver, 9443);

    assertThat(discovery.lookup(NodeName.of("app@" + POD0))).contains(new InetSocketAddress(addressOf("127.0.0.1"), 9443));
    assertThat(discovery.lookup(NodeName.of("app@missing.example"))).isEmpty();
  }

  private static InetAddress addressOf(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
