package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {

  private static final String SRV = "_barrel-p2p._udp.peers.ns.svc.cluster.local";

  private static InetSocketAddress at(String literal, int port) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(literal), port);
  }

  @Test
  void addressModeResolvesTheHostPartOnTheConfiguredPort() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver().address("h1.example.com", "10.0.0.1").address("h1.example.com", "fd00::1");
    DnsDiscovery discovery = DnsDiscovery.addressRecords(dns, 9443);

    assertThat(discovery.lookup(NodeName.of("app@h1.example.com"))).contains(at("10.0.0.1", 9443));
    assertThat(discovery.lookup(NodeName.of("app@h2.example.com"))).isEmpty();
    assertThat(discovery.list()).isEmpty();
    assertThat(discovery.name()).isEqualTo("dns");
  }

  @Test
  void addressModeAcceptsIpv6Results() throws Exception {
    DnsDiscovery discovery = DnsDiscovery.addressRecords(new FakeDnsResolver().address("v6only", "fd00::7"), 9443);

    assertThat(discovery.lookup(NodeName.of("app@v6only"))).contains(at("fd00::7", 9443));
  }

  @Test
  void resolverFailureGivesEmptyNotAnException() {
    FakeDnsResolver failing = new FakeDnsResolver().failing();

    assertThat(DnsDiscovery.addressRecords(failing, 9443).lookup(NodeName.of("app@h1"))).isEmpty();
    assertThat(DnsDiscovery.srvRecords(failing, SRV, "app").lookup(NodeName.of("app@h1"))).isEmpty();
    assertThat(DnsDiscovery.srvRecords(failing, SRV, "app").list()).isEmpty();
  }

  @Test
  void srvModePicksTheRecordTargetingTheNodesHostWithItsPort() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver()
        .srv(SRV, 0, 50, 9001, "pod-0.peers.ns.svc.cluster.local.")
        .srv(SRV, 0, 50, 9002, "POD-1.peers.ns.svc.cluster.local.")
        .address("pod-0.peers.ns.svc.cluster.local", "10.1.0.10")
        .address("pod-1.peers.ns.svc.cluster.local", "10.1.0.11");
    DnsDiscovery discovery = DnsDiscovery.srvRecords(dns, SRV, "app");

    assertThat(discovery.lookup(NodeName.of("app@pod-0.peers.ns.svc.cluster.local"))).contains(at("10.1.0.10", 9001));
    assertThat(discovery.lookup(NodeName.of("app@Pod-1.peers.ns.svc.cluster.local."))).contains(at("10.1.0.11", 9002));
    assertThat(discovery.lookup(NodeName.of("app@pod-9.peers.ns.svc.cluster.local"))).isEmpty();
  }

  @Test
  void srvModePrefersLowestPriorityThenHighestWeight() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver()
        .srv(SRV, 20, 100, 9003, "pod-0.peers.")
        .srv(SRV, 10, 1, 9002, "pod-0.peers.")
        .srv(SRV, 10, 5, 9001, "pod-0.peers.")
        .address("pod-0.peers", "10.1.0.10");

    assertThat(DnsDiscovery.srvRecords(dns, SRV, "app").lookup(NodeName.of("app@pod-0.peers")))
        .contains(at("10.1.0.10", 9001));
  }

  @Test
  void srvTargetWithoutAddressIsEmpty() {
    FakeDnsResolver dns = new FakeDnsResolver().srv(SRV, 0, 0, 9001, "pod-0.peers.");

    assertThat(DnsDiscovery.srvRecords(dns, SRV, "app").lookup(NodeName.of("app@pod-0.peers"))).isEmpty();
  }

  @Test
  void srvListNamesEveryTargetWithThePrefixAndSkipsUnusableOnes() {
    FakeDnsResolver dns = new FakeDnsResolver()
        .srv(SRV, 0, 50, 9001, "pod-1.peers.")
        .srv(SRV, 0, 50, 9001, "pod-0.peers.")
        .srv(SRV, 0, 50, 9001, ".")
        .srv(SRV, 0, 50, 0, "pod-2.peers.")
        .srv(SRV, 0, 50, 9001, "bad_label@x.");

    assertThat(DnsDiscovery.srvRecords(dns, SRV, "app").list())
        .containsExactly(NodeName.of("app@pod-0.peers"), NodeName.of("app@pod-1.peers"));
  }

  @Test
  void invalidSettingsAreRejected() {
    FakeDnsResolver dns = new FakeDnsResolver();
    assertThatThrownBy(() -> DnsDiscovery.addressRecords(dns, 0)).hasMessageContaining("port 0");
    assertThatThrownBy(() -> DnsDiscovery.srvRecords(dns, " ", "app")).hasMessageContaining("SRV name is empty");
    assertThatThrownBy(() -> DnsDiscovery.srvRecords(dns, SRV, "a@b")).hasMessageContaining("prefix 'a@b'");
  }
}
