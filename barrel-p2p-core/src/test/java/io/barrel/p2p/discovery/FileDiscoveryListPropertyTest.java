package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Whatever lands in the discovery directory, {@link FileDiscovery#list()} only names valid nodes. */
class FileDiscoveryListPropertyTest {

  @Provide
  Arbitrary<List<String>> fileNames() {
    // Mostly the characters that matter (separators, '@', '.', '-', spaces, '%', '/'), plus anything.
    Arbitrary<String> tricky = Arbitraries.strings()
        .withChars("aZ09_.-@/\\ %:~*?\"'\t\u00e9\u2028")
        .withCharRange('\u0000', '\uffff')
        .ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> part = Arbitraries.strings().withChars("ab0.-_").ofMinLength(0).ofMaxLength(6);
    Arbitrary<String> nameAtHost = Combinators.combine(part, part).as((n, h) -> n + "@" + h);
    Arbitrary<String> name = Arbitraries.oneOf(tricky, nameAtHost, nameAtHost);
    Arbitrary<String> withSuffix = name.map(n -> n + FileDiscovery.SUFFIX);
    return Arbitraries.oneOf(withSuffix, withSuffix, name).list().ofMaxSize(8);
  }

  @Property(tries = 300)
  void listNamesExactlyTheValidNodeNamesAmongTheFiles(@ForAll("fileNames") List<String> names) throws IOException {
    Path dir = Files.createTempDirectory("file-discovery-property");
    try {
      Set<NodeName> expected = new HashSet<>();
      for (String name : names) {
        Optional<Path> file = createFile(dir, name);
        if (file.isPresent() && name.endsWith(FileDiscovery.SUFFIX)) {
          NodeName.tryParse(name.substring(0, name.length() - FileDiscovery.SUFFIX.length())).ifPresent(expected::add);
        }
      }

      Statistics.collect(expected.isEmpty() ? "no valid endpoint file" : "some valid endpoint files");
      Set<NodeName> listed = new FileDiscovery(dir).list();

      assertThat(listed).allSatisfy(node -> {
        assertThat(NodeName.tryParse(node.toString())).contains(node);
        assertThat(Files.isRegularFile(dir.resolve(node + FileDiscovery.SUFFIX))).isTrue();
      });
      assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
    } finally {
      deleteTree(dir);
    }
  }

  /** Creates {@code name} directly in {@code dir}, or nothing when the file system refuses that name. */
  private static Optional<Path> createFile(Path dir, String name) throws IOException {
    Path file;
    try {
      file = dir.resolve(name);
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    if (name.isEmpty() || name.equals(".") || name.equals("..") || !dir.equals(file.getParent()) || !file.getFileName().toString().equals(name)) {
      return Optional.empty(); // '/', '.', '..' or trailing separators: not a single file name
    }
    try {
      Files.writeString(file, "{\"host\":\"127.0.0.1\",\"port\":9001}");
      return Optional.of(file);
    } catch (FileSystemException e) {
      return Optional.empty(); // too long, or it already exists as a directory
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
