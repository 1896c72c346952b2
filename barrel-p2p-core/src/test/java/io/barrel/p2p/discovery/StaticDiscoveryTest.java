package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticDiscoveryTest {

  private static NodeName node(String name) {
    return NodeName.of(name);
  }

  @Test
  void parsesIpv4Ipv6AndHostNameEntries() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver().address("node3.example.com", "10.0.0.3");
    StaticDiscovery discovery = StaticDiscovery.parse(List.of(
        "app@h1=10.0.0.1:9443", " app@h2 = [::1]:9000 ", "app@h3=node3.example.com:9444"), dns);

    assertThat(discovery.lookup(node("app@h1")))
        .contains(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 9443));
    assertThat(discovery.lookup(node("app@h2")))
        .contains(new InetSocketAddress(InetAddress.getByName("::1"), 9000));
    assertThat(discovery.lookup(node("app@h3")))
        .contains(new InetSocketAddress(InetAddress.getByName("10.0.0.3"), 9444));
    assertThat(discovery.list()).containsExactly(node("app@h1"), node("app@h2"), node("app@h3"));
  }

  @Test
  void everyLookupReturnsAResolvedAddress() {
    StaticDiscovery discovery = StaticDiscovery.parse(List.of("app@h1=127.0.0.1:9443"));

    assertThat(discovery.lookup(node("app@h1"))).hasValueSatisfying(a -> assertThat(a.isUnresolved()).isFalse());
  }

  @Test
  void hostNamesAreResolvedAtLookupTimeNotAtParseTime() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver();
    StaticDiscovery discovery = StaticDiscovery.parse(List.of("app@h1=later.example.com:9443"), dns);
    assertThat(discovery.lookup(node("app@h1"))).isEmpty();

    dns.address("later.example.com", "10.9.9.9");

    assertThat(discovery.lookup(node("app@h1")))
        .contains(new InetSocketAddress(InetAddress.getByName("10.9.9.9"), 9443));
  }

  @Test
  void aListOfAddressLiteralsAnswersFromMemoryWithoutAskingDns() throws Exception {
    StaticDiscovery literals = StaticDiscovery.parse(List.of("app@h1=10.0.0.1:9443", "app@h2=[fd00::2]:9000"),
        new FakeDnsResolver().failing());
    StaticDiscovery withName = StaticDiscovery.parse(List.of("app@h1=10.0.0.1:9443", "app@h3=node3.example.com:9444"),
        new FakeDnsResolver().address("node3.example.com", "10.0.0.3"));

    assertThat(literals.answersFromMemory()).isTrue();
    assertThat(literals.lookup(node("app@h1")))
        .as("a failing resolver is never asked for a literal")
        .contains(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 9443));
    assertThat(literals.lookup(node("app@h2")))
        .contains(new InetSocketAddress(InetAddress.getByName("fd00::2"), 9000));
    assertThat(withName.answersFromMemory()).as("a host name means a DNS query").isFalse();
    assertThat(new StaticDiscovery(Map.of()).answersFromMemory()).isTrue();
  }

  @Test
  void unresolvableHostGivesEmptyNotAnException() {
    StaticDiscovery missing = StaticDiscovery.parse(List.of("app@h1=nowhere.example.com:9443"), new FakeDnsResolver());
    StaticDiscovery failing = StaticDiscovery.parse(List.of("app@h1=nowhere.example.com:9443"),
        new FakeDnsResolver().failing());

    assertThat(missing.lookup(node("app@h1"))).isEmpty();
    assertThat(failing.lookup(node("app@h1"))).isEmpty();
  }

  @Test
  void unknownNodeIsEmpty() {
    assertThat(StaticDiscovery.parse(List.of("app@h1=10.0.0.1:9443")).lookup(node("app@h9"))).isEmpty();
  }

  @Test
  void mapOfResolvedAddressesIsReturnedAsGiven() {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000);
    StaticDiscovery discovery = new StaticDiscovery(Map.of(node("a@h"), address));

    assertThat(discovery.lookup(node("a@h"))).contains(address);
    assertThat(discovery.name()).isEqualTo("static");
    assertThat(discovery.supportsRegister()).isFalse();
  }

  @Test
  void mapOfUnresolvedAddressesIsResolvedAtLookup() throws Exception {
    FakeDnsResolver dns = new FakeDnsResolver().address("db.example.com", "10.1.1.1");
    StaticDiscovery discovery =
        new StaticDiscovery(Map.of(node("a@h"), InetSocketAddress.createUnresolved("db.example.com", 7000)), dns);

    assertThat(discovery.lookup(node("a@h")))
        .contains(new InetSocketAddress(InetAddress.getByName("10.1.1.1"), 7000));
  }

  @Test
  void badEntriesSayWhichEntryWhatIsWrongAndTheExpectedFormat() {
    assertBad("app@h1", "entry 1 ('app@h1')", "no '='");
    assertBad("app=10.0.0.1:9443", "entry 1", "exactly one '@'");
    assertBad("app@h1=10.0.0.1", "entry 1", "port is missing");
    assertBad("app@h1=10.0.0.1:0", "entry 1", "port 0 is not between 1 and 65535");
    assertBad("app@h1=10.0.0.1:70000", "entry 1", "port 70000");
    assertBad("app@h1=10.0.0.1:http", "entry 1", "port 'http'");
    assertBad("app@h1=::1:9000", "entry 1", "IPv6 address needs brackets");
    assertBad("app@h1=[::1:9000", "entry 1", "no closing ']'");
    assertBad("app@h1=[10.0.0.1]:9000", "entry 1", "brackets are only for IPv6");
    assertBad("app@h1=bad host:9000", "entry 1", "contains ' '");
    assertBad("", "entry 1", "it is empty");
  }

  private static void assertBad(String entry, String where, String problem) {
    assertThatThrownBy(() -> StaticDiscovery.parse(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(where)
        .hasMessageContaining(problem)
        .hasMessageContaining("expected name@host=host:port");
  }

  @Test
  void errorNamesTheSecondEntryWhenTheSecondIsBad() {
    assertThatThrownBy(() -> StaticDiscovery.parse(List.of("a@h1=10.0.0.1:1", "a@h2=10.0.0.2")))
        .hasMessageContaining("entry 2 ('a@h2=10.0.0.2')");
  }

  @Test
  void nodeListedTwiceIsRejected() {
    assertThatThrownBy(() -> StaticDiscovery.parse(List.of("a@h1=10.0.0.1:1", "a@h1=10.0.0.2:2")))
        .hasMessageContaining("entry 2")
        .hasMessageContaining("a second time");
  }
}
