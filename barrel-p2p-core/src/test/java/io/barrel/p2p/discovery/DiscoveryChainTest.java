package io.barrel.p2p.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryChainTest {

  private static final NodeName A = NodeName.of("app@h1");
  private static final NodeName B = NodeName.of("app@h2");
  private static final NodeName C = NodeName.of("app@h3");

  @TempDir Path dir;

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static List<String> names(DiscoveryChain chain) {
    return chain.backends().stream().map(Discovery::name).toList();
  }

  /** A custom backend that records calls and can be told to throw. */
  private static final class Recording implements Discovery {
    final String name;
    final boolean registers;
    final boolean throwing;
    final List<String> calls = new ArrayList<>();

    Recording(String name, boolean registers, boolean throwing) {
      this.name = name;
      this.registers = registers;
      this.throwing = throwing;
    }

    @Override
    public Optional<InetSocketAddress> lookup(NodeName node) {
      calls.add("lookup " + node);
      if (throwing) {
        throw new IllegalStateException("backend " + name + " is broken");
      }
      return Optional.empty();
    }

    @Override
    public void register(NodeName self, InetSocketAddress address) {
      calls.add("register " + self);
      if (throwing) {
        throw new IllegalStateException("backend " + name + " is broken");
      }
    }

    @Override
    public boolean supportsRegister() {
      return registers;
    }

    @Override
    public void unregister(NodeName self) {
      calls.add("unregister " + self);
      if (throwing) {
        throw new IllegalStateException("backend " + name + " is broken");
      }
    }

    @Override
    public Set<NodeName> list() {
      if (throwing) {
        throw new IllegalStateException("backend " + name + " is broken");
      }
      return Set.of(C);
    }

    @Override
    public String name() {
      return name;
    }
  }

  @Test
  void firstBackendThatKnowsTheNodeWins() {
    FileDiscovery file = new FileDiscovery(dir);
    file.register(A, loopback(9002));
    StaticDiscovery fixed = new StaticDiscovery(Map.of(A, loopback(9001)));

    assertThat(new DiscoveryChain(List.of(fixed, file)).lookup(A)).contains(loopback(9001));
    assertThat(new DiscoveryChain(List.of(file, fixed)).lookup(A)).contains(loopback(9002));
  }

  @Test
  void lookupFallsThroughToLaterBackends() {
    FileDiscovery file = new FileDiscovery(dir);
    file.register(B, loopback(9002));
    DiscoveryChain chain = new DiscoveryChain(List.of(new StaticDiscovery(Map.of(A, loopback(9001))), file));

    assertThat(chain.lookup(B)).contains(loopback(9002));
    assertThat(chain.lookup(C)).isEmpty();
  }

  @Test
  void throwingBackendIsSkipped() {
    Recording broken = new Recording("broken", false, true);
    DiscoveryChain chain = new DiscoveryChain(List.of(broken, new StaticDiscovery(Map.of(A, loopback(9001)))));

    assertThat(chain.lookup(A)).contains(loopback(9001));
    assertThat(broken.calls).containsExactly("lookup app@h1");
  }

  @Test
  void unresolvedAnswerIsSkipped() {
    Discovery sloppy = new Discovery() {
      @Override
      public Optional<InetSocketAddress> lookup(NodeName node) {
        return Optional.of(InetSocketAddress.createUnresolved("somewhere", 1));
      }

      @Override
      public Set<NodeName> list() {
        return Set.of();
      }

      @Override
      public String name() {
        return "sloppy";
      }
    };
    DiscoveryChain chain = new DiscoveryChain(List.of(sloppy, new StaticDiscovery(Map.of(A, loopback(9001)))));

    assertThat(chain.lookup(A)).contains(loopback(9001));
  }

  @Test
  void lookupFromMemoryAsksMemoryBackendsInOrderAndStopsAtTheFirstThatMayBlock() {
    FileDiscovery file = new FileDiscovery(dir);
    file.register(B, loopback(9002));
    Recording afterFile = new Recording("after-file", false, false);
    StaticDiscovery literals = new StaticDiscovery(Map.of(A, loopback(9001)));
    DiscoveryChain chain = new DiscoveryChain(List.of(literals, file, afterFile));

    assertThat(chain.lookupFromMemory(A)).contains(loopback(9001));
    assertThat(chain.lookupFromMemory(B)).as("the file backend may block: left to lookup()").isEmpty();
    assertThat(afterFile.calls).as("nothing past a backend that may block").isEmpty();
    assertThat(chain.lookup(B)).contains(loopback(9002));
    assertThat(chain.answersFromMemory()).isFalse();
    assertThat(new DiscoveryChain(List.of(literals)).answersFromMemory()).isTrue();
  }

  @Test
  void lookupFromMemorySkipsNothingAndNeverThrows() {
    Discovery broken = new Discovery() {
      @Override
      public Optional<InetSocketAddress> lookup(NodeName node) {
        throw new IllegalStateException("broken");
      }

      @Override
      public boolean answersFromMemory() {
        return true;
      }

      @Override
      public Set<NodeName> list() {
        return Set.of();
      }

      @Override
      public String name() {
        return "broken";
      }
    };
    DiscoveryChain chain = new DiscoveryChain(List.of(broken, new StaticDiscovery(Map.of(A, loopback(9001)))));

    assertThat(chain.lookupFromMemory(A)).as("left to lookup(), which logs the broken backend").isEmpty();
    assertThat(chain.lookup(A)).contains(loopback(9001));
  }

  @Test
  void registerFansOutToEveryRegisteringBackendEvenWhenOneFails() {
    Recording failing = new Recording("failing", true, true);
    Recording readOnly = new Recording("read-only", false, false);
    Recording healthy = new Recording("healthy", true, false);
    FileDiscovery file = new FileDiscovery(dir);
    DiscoveryChain chain = new DiscoveryChain(List.of(failing, readOnly, file, healthy));

    assertThat(chain.supportsRegister()).isTrue();
    chain.register(A, loopback(9001));

    assertThat(failing.calls).containsExactly("register app@h1");
    assertThat(readOnly.calls).isEmpty();
    assertThat(healthy.calls).containsExactly("register app@h1");
    assertThat(file.lookup(A)).contains(loopback(9001));

    chain.unregister(A);

    assertThat(failing.calls).containsExactly("register app@h1", "unregister app@h1");
    assertThat(healthy.calls).containsExactly("register app@h1", "unregister app@h1");
    assertThat(file.lookup(A)).isEmpty();
  }

  @Test
  void listIsTheSortedUnionAndSkipsThrowingBackends() {
    FileDiscovery file = new FileDiscovery(dir);
    file.register(A, loopback(9001));
    DiscoveryChain chain = new DiscoveryChain(List.of(
        new Recording("custom", false, false),
        new Recording("broken", false, true),
        file,
        new StaticDiscovery(Map.of(B, loopback(9002), A, loopback(9001)))));

    assertThat(chain.list()).containsExactly(A, B, C);
    assertThat(chain.name()).isEqualTo("chain");
  }

  @Test
  void emptyChainFindsNothing() {
    DiscoveryChain chain = new DiscoveryChain(List.of());

    assertThat(chain.lookup(A)).isEmpty();
    assertThat(chain.list()).isEmpty();
    assertThat(chain.supportsRegister()).isFalse();
  }

  @Test
  void defaultConfigBuildsFileAndDnsButNoEmptyStatic() {
    DiscoveryChain chain = DiscoveryChain.build(DiscoveryConfig.defaults(), List.of());

    assertThat(names(chain)).containsExactly("file", "dns");
  }

  @Test
  void buildFollowsTheConfiguredOrderAndLeavesOutDisabledBackends() {
    DiscoveryConfig config = DiscoveryConfig.defaults()
        .withStaticNodes(List.of("app@h1=127.0.0.1:9001"))
        .withFileDirectory(null)
        .withOrder(List.of("dns", "static", "file"));

    assertThat(names(DiscoveryChain.build(config, List.of()))).containsExactly("dns", "static");
    assertThat(names(DiscoveryChain.build(config.withDnsEnabled(false), List.of()))).containsExactly("static");
  }

  @Test
  void customBackendsGoWhereOrderNamesThemAndTheRestAtTheEnd() {
    Recording consul = new Recording("consul", false, false);
    Recording cloud = new Recording("cloud", false, false);
    DiscoveryConfig config = DiscoveryConfig.defaults().withFileDirectory(dir).withOrder(List.of("consul", "file"));

    DiscoveryChain chain = DiscoveryChain.build(config, List.of(cloud, consul));

    assertThat(names(chain)).containsExactly("consul", "file", "cloud");
  }

  @Test
  void builtChainLooksUpStaticBeforeFile() {
    new FileDiscovery(dir).register(A, loopback(9002));
    DiscoveryConfig config = DiscoveryConfig.defaults()
        .withStaticNodes(List.of("app@h1=127.0.0.1:9001"))
        .withFileDirectory(dir)
        .withDnsEnabled(false);

    assertThat(DiscoveryChain.build(config, List.of()).lookup(A)).contains(loopback(9001));
  }

  @Test
  void unknownOrderEntryNamesThePropertyAndWhatIsAllowed() {
    DiscoveryConfig config = DiscoveryConfig.defaults().withOrder(List.of("static", "zookeeper"));

    assertThatThrownBy(() -> DiscoveryChain.build(config, List.of(new Recording("consul", false, false))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("barrel.p2p.discovery.order contains 'zookeeper'; allowed: static, file, dns, "
            + "or the name() of a custom backend (registered: consul)");
  }

  @Test
  void customBackendNamesMustBeUniqueAndNotBuiltIn() {
    DiscoveryConfig config = DiscoveryConfig.defaults();

    assertThatThrownBy(() -> DiscoveryChain.build(config, List.of(new Recording("dns", false, false))))
        .hasMessageContaining("named 'dns', which a built-in backend uses");
    assertThatThrownBy(() -> DiscoveryChain.build(config,
            List.of(new Recording("x", false, false), new Recording("x", false, false))))
        .hasMessageContaining("two custom discovery backends are named 'x'");
    assertThatThrownBy(() -> DiscoveryChain.build(config, List.of(new Recording(" ", false, false))))
        .hasMessageContaining("blank name()");
  }
}
