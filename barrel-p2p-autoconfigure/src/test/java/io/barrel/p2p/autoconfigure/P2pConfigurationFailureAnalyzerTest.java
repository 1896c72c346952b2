package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

class P2pConfigurationFailureAnalyzerTest {

  @TempDir
  Path dir;

  /** The environment of the context under test, kept because a failed context no longer hands it out. */
  private final AtomicReference<Environment> environment = new AtomicReference<>();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class))
        .withInitializer(context -> environment.set(context.getEnvironment()))
        .withPropertyValues("barrel.p2p.node-name=a@127.0.0.1", "barrel.p2p.data-directory=" + dir);
  }

  @Test
  void aValueARecordRefusedIsReportedAgainstItsOwnPropertyWithValueAndOrigin() {
    runner().withPropertyValues("barrel.p2p.transport.port=70000").run(context -> {
      FailureAnalysis analysis = new P2pConfigurationFailureAnalyzer(environment.get())
          .analyze(context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription())
          .contains("barrel.p2p.transport.port must be 0..65535, got 70000")
          .contains("Property: barrel.p2p.transport.port")
          .contains("Value: \"70000\"")
          .contains("Origin: ");
      assertThat(analysis.getAction()).startsWith("Set barrel.p2p.transport.port to a value it allows");
    });
  }

  @Test
  void aNestedRecordIsReportedToo() {
    runner().withPropertyValues("barrel.p2p.registry.crdt.max-nodes=0").run(context -> {
      FailureAnalysis analysis = new P2pConfigurationFailureAnalyzer(environment.get())
          .analyze(context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("Property: barrel.p2p.registry.crdt.max-nodes")
          .contains("Value: \"0\"");
    });
  }

  @Test
  void failuresSpringAlreadyExplainsOrThatAreNotOursAreLeftToSpring() {
    // A conversion failure names its property already.
    runner().withPropertyValues("barrel.p2p.node-name=nope").run(context -> assertThat(
        new P2pConfigurationFailureAnalyzer(environment.get()).analyze(context.getStartupFailure())).isNull());
    assertThat(new P2pConfigurationFailureAnalyzer(null).analyze(new IllegalStateException("other"))).isNull();
  }
}
