package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryConfigTest {

  private static final DiscoveryConfig DEFAULTS = DiscoveryConfig.defaults();

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(DEFAULTS.staticNodes()).isEmpty();
    assertThat(DEFAULTS.fileDirectory()).isEqualTo(Path.of("data/discovery"));
    assertThat(DEFAULTS.dnsEnabled()).isTrue();
    assertThat(DEFAULTS.dnsDefaultPort()).isEqualTo(9443);
    assertThat(DEFAULTS.dnsSrvName()).isNull();
    assertThat(DEFAULTS.dnsNamePrefix()).isNull();
    assertThat(DEFAULTS.dnsServer()).isNull();
    assertThat(DEFAULTS.dnsTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(DEFAULTS.dnsAttempts()).isEqualTo(2);
    assertThat(DEFAULTS.order()).containsExactly("static", "file", "dns");
  }

  @Test
  void nullListsAndTimeoutTakeTheirDefaults() {
    DiscoveryConfig config = new DiscoveryConfig(null, null, false, 9443, null, null, null, null, 1, null);

    assertThat(config.staticNodes()).isEmpty();
    assertThat(config.dnsTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.order()).containsExactly("static", "file", "dns");
    assertThat(config.fileDirectory()).isNull();
  }

  @Test
  void badStaticEntryNamesThePropertyAndTheEntry() {
    assertThatThrownBy(() -> DEFAULTS.withStaticNodes(List.of("a@h1=10.0.0.1:1", "oops")))
        .hasMessageStartingWith("barrel.p2p.discovery.static-nodes: static discovery entry 2 ('oops')");
    assertThatThrownBy(() -> DEFAULTS.withStaticNodes(Arrays.asList("a@h1=10.0.0.1:1", null)))
        .hasMessageContaining("barrel.p2p.discovery.static-nodes[1] is null");
  }

  @Test
  void portTimeoutAndAttemptsAreRangeChecked() {
    assertThatThrownBy(() -> DEFAULTS.withDnsDefaultPort(0)).hasMessageContaining("barrel.p2p.discovery.dns-default-port is 0");
    assertThatThrownBy(() -> DEFAULTS.withDnsDefaultPort(65536)).hasMessageContaining("dns-default-port is 65536");
    assertThatThrownBy(() -> DEFAULTS.withDnsTimeout(Duration.ZERO, 2)).hasMessageContaining("barrel.p2p.discovery.dns-timeout");
    assertThatThrownBy(() -> DEFAULTS.withDnsTimeout(Duration.ofMinutes(5), 2)).hasMessageContaining("dns-timeout");
    assertThatThrownBy(() -> DEFAULTS.withDnsTimeout(Duration.ofSeconds(1), 0)).hasMessageContaining("barrel.p2p.discovery.dns-attempts is 0");
  }

  @Test
  void srvNameAndPrefixGoTogether() {
    DiscoveryConfig srv = DEFAULTS.withDnsSrv("_barrel-p2p._udp.peers.ns.svc.cluster.local", "app");
    assertThat(srv.dnsSrvName()).isEqualTo("_barrel-p2p._udp.peers.ns.svc.cluster.local");

    assertThatThrownBy(() -> DEFAULTS.withDnsSrv("_p._udp.svc", null))
        .hasMessageContaining("barrel.p2p.discovery.dns-name-prefix is not set but dns-srv-name is");
    assertThatThrownBy(() -> DEFAULTS.withDnsSrv(null, "app"))
        .hasMessageContaining("dns-name-prefix is set but dns-srv-name is not");
    assertThatThrownBy(() -> DEFAULTS.withDnsSrv("_p._udp.svc", "-app"))
        .hasMessageContaining("dns-name-prefix '-app' is not a valid name part");
    assertThatThrownBy(() -> DEFAULTS.withDnsSrv("has space", "app"))
        .hasMessageContaining("dns-srv-name 'has space' is not a DNS name");
  }

  @Test
  void dnsServerAcceptsHostHostPortAndBracketedIpv6() {
    assertThat(DEFAULTS.withDnsServer("10.96.0.10").dnsServer()).isEqualTo("10.96.0.10");
    assertThat(DEFAULTS.withDnsServer("10.96.0.10:5353").dnsServer()).isEqualTo("10.96.0.10:5353");
    assertThat(DEFAULTS.withDnsServer("[fd00::53]:53").dnsServer()).isEqualTo("[fd00::53]:53");
    assertThatThrownBy(() -> DEFAULTS.withDnsServer("fd00::53"))
        .hasMessageContaining("barrel.p2p.discovery.dns-server 'fd00::53' is invalid")
        .hasMessageContaining("needs brackets");
  }

  @Test
  void orderEntriesMustBeNonBlankAndUnique() {
    assertThatThrownBy(() -> DEFAULTS.withOrder(List.of("static", "static")))
        .hasMessageContaining("barrel.p2p.discovery.order lists 'static' twice");
    assertThatThrownBy(() -> DEFAULTS.withOrder(List.of(" ")))
        .hasMessageContaining("barrel.p2p.discovery.order contains an empty entry");
  }
}
