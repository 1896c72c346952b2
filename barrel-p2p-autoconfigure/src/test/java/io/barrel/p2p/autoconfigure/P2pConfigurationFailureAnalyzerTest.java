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
  void aRecordThatExplainsInItsOwnWordsIsReportedAgainstThePropertyItsWordsName() {
    assertReported("barrel.p2p.rpc.call-defaults.policy.max-attempts=11",
        "barrel.p2p.rpc.call-defaults.policy.max-attempts: max attempts must be 1..10");
    assertReported("barrel.p2p.rpc.max-concurrent-calls=0", "rpc.max-concurrent-calls must be 1..100000");
    assertReported("barrel.p2p.rpc.limits.max-frame-bytes=10", "max frame bytes must be 1024..1073741824");
    assertReported("barrel.p2p.rpc.call-defaults.outliers.base-ejection=0ms", "base ejection must be 1 ms..");
    assertReported("barrel.p2p.rpc.call-defaults.filter.version=1*2", "may only end in '*'");
    assertReported("barrel.p2p.rpc.call-defaults.max-concurrent-per-instance=-1", "maxConcurrentPerInstance");
  }

  private void assertReported(String setting, String message) {
    String property = setting.substring(0, setting.indexOf('='));
    String value = setting.substring(setting.indexOf('=') + 1);
    runner().withPropertyValues(setting).run(context -> {
      FailureAnalysis analysis = new P2pConfigurationFailureAnalyzer(environment.get())
          .analyze(context.getStartupFailure());
      assertThat(analysis).as(setting).isNotNull();
      assertThat(analysis.getDescription()).as(setting).contains(message)
          .contains("Property: " + property).contains("Value: \"" + value + "\"");
      assertThat(analysis.getAction()).as(setting).startsWith("Set " + property + " to a value it allows");
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
