package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FileDiscoveryTest {

  private static final NodeName A = NodeName.of("app@h1");
  private static final NodeName B = NodeName.of("app@h2");

  @TempDir Path dir;

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private List<String> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void write(String fileName, String content) throws IOException {
    Files.writeString(dir.resolve(fileName), content);
  }

  @Test
  void registeredEndpointIsFoundListedAndUnregistered() {
    FileDiscovery discovery = new FileDiscovery(dir);

    discovery.register(A, loopback(9001));
    discovery.register(B, loopback(9002));

    assertThat(discovery.lookup(A)).contains(loopback(9001));
    assertThat(discovery.lookup(B)).contains(loopback(9002));
    assertThat(discovery.list()).containsExactly(A, B);

    discovery.unregister(A);
    discovery.unregister(A);

    assertThat(discovery.lookup(A)).isEmpty();
    assertThat(discovery.list()).containsExactly(B);
  }

  @Test
  void fileHoldsHostAndPortAsJsonAndIsWorldReadable() throws IOException {
    new FileDiscovery(dir).register(A, loopback(9001));

    Path file = dir.resolve("app@h1.endpoint");
    JsonNode json = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
    assertThat(json.get("host").stringValue()).isEqualTo("127.0.0.1");
    assertThat(json.get("port").intValue()).isEqualTo(9001);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
  }

  @Test
  void reRegisteringReplacesTheEndpointAndLeavesNoTemporaryFile() throws IOException {
    FileDiscovery discovery = new FileDiscovery(dir);

    discovery.register(A, loopback(9001));
    discovery.register(A, loopback(9005));

    assertThat(discovery.lookup(A)).contains(loopback(9005));
    assertThat(filesIn(dir)).containsExactly("app@h1.endpoint");
  }

  @Test
  void missingDirectoryIsCreatedOnRegisterAndReadsAsEmptyBefore() {
    FileDiscovery discovery = new FileDiscovery(dir.resolve("data/discovery"));

    assertThat(discovery.list()).isEmpty();
    assertThat(discovery.lookup(A)).isEmpty();

    discovery.register(A, loopback(9001));

    assertThat(discovery.lookup(A)).contains(loopback(9001));
  }

  @Test
  void wildcardAddressIsRegisteredUnderTheNodesHostPart() throws IOException {
    FakeDnsResolver dns = new FakeDnsResolver().address("h1", "10.0.0.1");
    FileDiscovery discovery = new FileDiscovery(dir, dns);

    discovery.register(A, new InetSocketAddress(9001));

    assertThat(Files.readString(dir.resolve("app@h1.endpoint"))).contains("\"host\":\"h1\"");
    assertThat(discovery.lookup(A)).contains(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 9001));
  }

  @Test
  void ipv6AddressRoundTrips() throws IOException {
    FileDiscovery discovery = new FileDiscovery(dir);
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 9001);

    discovery.register(A, v6);

    assertThat(discovery.lookup(A)).contains(v6);
  }

  @Test
  void hostNameInAFileIsResolvedAtLookup() throws IOException {
    write("app@h1.endpoint", "{\"host\": \"peer1.example.com\", \"port\": 9443, \"future\": true}");
    FileDiscovery discovery = new FileDiscovery(dir, new FakeDnsResolver().address("peer1.example.com", "10.2.2.2"));

    assertThat(discovery.lookup(A)).contains(new InetSocketAddress(InetAddress.getByName("10.2.2.2"), 9443));
    assertThat(new FileDiscovery(dir, new FakeDnsResolver().failing()).lookup(A)).isEmpty();
  }

  @Test
  void malformedFilesAreIgnoredWithoutExceptions() throws IOException {
    FileDiscovery discovery = new FileDiscovery(dir);
    List<String> bad = List.of(
        "",
        "not json",
        "{\"host\": \"127.0.0.1\", \"port\": 9001",
        "[\"127.0.0.1\", 9001]",
        "{\"host\": \"127.0.0.1\"}",
        "{\"port\": 9001}",
        "{\"host\": \"\", \"port\": 9001}",
        "{\"host\": 7, \"port\": 9001}",
        "{\"host\": \"127.0.0.1\", \"port\": 0}",
        "{\"host\": \"127.0.0.1\", \"port\": 65536}",
        "{\"host\": \"127.0.0.1\", \"port\": -1}",
        "{\"host\": \"127.0.0.1\", \"port\": \"9001\"}",
        "{\"host\": \"127.0.0.1\", \"port\": 9001.5}",
        "{\"host\": \"127.0.0.1\", \"port\": 99999999999999999999}",
        "{\"host\": \"127.0.0.1\", \"port\": 9001} {}",
        "{\"host\": \"127.0.0.1\", \"host\": \"10.0.0.1\", \"port\": 9001}",
        "{\"host\": \"a b\", \"port\": 9001}",
        "{\"host\": \"127.0.0.1\", \"port\": 9001, \"pad\": \"" + "x".repeat(5000) + "\"}");

    for (String content : bad) {
      write("app@h1.endpoint", content);
      assertThat(discovery.lookup(A)).as(content).isEmpty();
    }
  }

  @Test
  void aBadFileIsWarnedAboutOncePerContent() throws IOException {
    FileDiscovery discovery = new FileDiscovery(dir);
    write("app@h1.endpoint", "{\"host\": \"127.0.0.1\", \"port\": 0}");

    discovery.lookup(A);
    discovery.lookup(A);
    discovery.lookup(A);
    assertThat(discovery.badFileWarnings()).isEqualTo(1);

    write("app@h1.endpoint", "{\"host\": \"127.0.0.1\", \"port\": 70000}");
    discovery.lookup(A);
    discovery.lookup(A);
    assertThat(discovery.badFileWarnings()).isEqualTo(2);
  }

  @Test
  void aDirectoryWhereTheFileShouldBeIsIgnored() throws IOException {
    Files.createDirectory(dir.resolve("app@h1.endpoint"));
    FileDiscovery discovery = new FileDiscovery(dir);

    assertThat(discovery.lookup(A)).isEmpty();
    assertThat(discovery.list()).isEmpty();
  }

  @Test
  void listSkipsFilesWhoseNamesAreNotNodeNames() throws IOException {
    FileDiscovery discovery = new FileDiscovery(dir);
    discovery.register(A, loopback(9001));
    for (String name : List.of("noat.endpoint", "two@at@s.endpoint", "sp ace@h.endpoint", ".endpoint",
        "-a@h.endpoint", "app@h3.txt", "app@h4.endpoint.tmp")) {
      write(name, "{\"host\": \"127.0.0.1\", \"port\": 9001}");
    }

    assertThat(discovery.list()).containsExactly(A);
  }

  @Test
  void registerIntoAnUnwritablePlaceSaysWhichFileAndLeavesNoTemporaryFile() throws IOException {
    Path notADirectory = dir.resolve("plain-file");
    Files.writeString(notADirectory, "x");
    FileDiscovery discovery = new FileDiscovery(notADirectory);

    assertThatThrownBy(() -> discovery.register(A, loopback(9001)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("plain-file")
        .hasMessageContaining("app@h1.endpoint")
        .hasMessageContaining("writable directory");
    assertThat(filesIn(dir)).containsExactly("plain-file");
  }

  @Test
  void failedRenameDeletesTheTemporaryFile() throws IOException {
    // The target name is a non-empty directory, so the rename over it fails after the temp is written.
    Files.createDirectories(dir.resolve("app@h1.endpoint").resolve("occupied"));
    FileDiscovery discovery = new FileDiscovery(dir);

    assertThatThrownBy(() -> discovery.register(A, loopback(9001))).isInstanceOf(UncheckedIOException.class);
    assertThat(filesIn(dir)).containsExactly("app@h1.endpoint");
  }

  @Test
  void portZeroCannotBeRegistered() {
    assertThatThrownBy(() -> new FileDiscovery(dir).register(A, loopback(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 0");
  }

  @Test
  void endpointFileContentIsReadableByHumans() throws IOException {
    new FileDiscovery(dir).register(A, loopback(9001));

    assertThat(Files.readString(dir.resolve("app@h1.endpoint"), StandardCharsets.UTF_8))
        .isEqualTo("{\"host\":\"127.0.0.1\",\"port\":9001}\n");
  }
}
