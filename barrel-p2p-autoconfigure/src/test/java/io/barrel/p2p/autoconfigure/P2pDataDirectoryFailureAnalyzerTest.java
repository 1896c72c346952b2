package io.barrel.p2p.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.IdentityException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

class P2pDataDirectoryFailureAnalyzerTest {

  @TempDir
  Path dir;

  /** The environment of the context under test, kept because a failed context no longer hands it out. */
  private final AtomicReference<Environment> environment = new AtomicReference<>();

  private ApplicationContextRunner runner(String name) {
    return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(P2pAutoConfiguration.class))
        .withInitializer(context -> environment.set(context.getEnvironment()))
        .withPropertyValues("barrel.p2p.node-name=" + name, "barrel.p2p.data-directory=" + dir,
            "barrel.p2p.transport.bind-host=127.0.0.1", "barrel.p2p.single-node=true");
  }

  @Test
  void aSecondInstanceOnTheSameDataDirectoryIsToldToTakeOneOfItsOwn() {
    runner("a@127.0.0.1").run(first -> {
      assertThat(first).hasNotFailed();
      runner("b@127.0.0.1").run(second -> {
        assertThat(second).hasFailed();
        FailureAnalysis analysis = new P2pDataDirectoryFailureAnalyzer(environment.get())
            .analyze(second.getStartupFailure());
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription())
            .contains(dir + " is in use by another running node")
            .contains("Property: barrel.p2p.data-directory")
            .contains("Value: \"" + dir + "\"");
        assertThat(analysis.getAction()).startsWith("Give each instance of the application a data directory");
      });
      assertThat(first).hasNotFailed();
    });
  }

  @Test
  void damagedIdentityFilesAreExplainedWithWhatToDo() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.write(dir.resolve("keys").resolve("node.pub"), new byte[32]); // a public key without its private key
    runner("a@127.0.0.1").run(context -> {
      FailureAnalysis analysis = new P2pDataDirectoryFailureAnalyzer(environment.get())
          .analyze(context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("node.key is missing");
      assertThat(analysis.getAction()).contains("point barrel.p2p.data-directory at another directory");
    });
  }

  @Test
  void otherFailuresAreLeftToOtherAnalyzers() {
    assertThat(new P2pDataDirectoryFailureAnalyzer(null).analyze(new IllegalStateException("other"))).isNull();
    assertThat(new P2pDataDirectoryFailureAnalyzer(null).analyze(new IdentityException("x")).getDescription())
        .contains("Value: (not set: the default, data)");
  }
}
