package io.barrel.p2p.testing;

import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.DiscoveryConfig;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.registry.LivenessConfig;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.transport.TransportConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A cluster member in a JVM of its own, for tests where a node's death must be real: a process
 * killed with SIGKILL sends no QUIC CONNECTION_CLOSE, no DISCONNECT and no registry goodbye, and its
 * socket simply disappears, which {@link P2pNode#halt()} inside the test JVM cannot reproduce (it
 * still closes its connections).
 *
 * <p>The member joins through a contact found by file discovery in a directory shared with the
 * test JVM, publishes {@link NodeProbe}, registers the service {@value #SERVICE}, and prints
 * {@code READY <fingerprint> <port>}. It reads commands on standard input: {@code stop} stops the node
 * gracefully and exits; the end of input (the test JVM went away) halts it, so no member outlives
 * its test.
 */
public final class MemberProcess implements AutoCloseable {

  /** The registry service every member registers. */
  public static final String SERVICE = "billing";

  /** A member never runs longer than this, whatever happens to the test that started it. */
  private static final Duration LIFETIME = Duration.ofMinutes(3);

  private final String name;
  private final Process process;
  private final Path output;
  private final String fingerprint;
  private final int port;

  private MemberProcess(String name, Process process, Path output, String fingerprint, int port) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.fingerprint = fingerprint;
    this.port = port;
  }

  /**
   * The settings of every node of these tests, in the test JVM and in a member process alike:
   * data under {@code root/<name>}, file discovery in {@code root/discovery}, fast membership
   * timers, short registry leases, and {@code idleTimeout} as QUIC's idle timeout (how long a dead
   * peer's connection is held), with keep-alives every second.
   */
  public static NodeConfig.Builder config(Path root, String name, String contact, Duration idleTimeout) {
    return new TestNodes(root).config(name)
        .discovery(DiscoveryConfig.defaults().withFileDirectory(root.resolve("discovery")).withDnsEnabled(false))
        .customDiscovery(List.of())
        .transport(TransportConfig.defaults().withBind("127.0.0.1", 0)
            .withIdleTimeout(idleTimeout, Duration.ofSeconds(1)))
        .membership(MembershipConfig.builder().shufflePeriod(Duration.ofMillis(500))
            .contactRetry(Duration.ofMillis(250)).baseBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofSeconds(1)).build())
        .registry(RegistryConfig.defaults()
            .withLiveness(new LivenessConfig(Duration.ofMillis(250), Duration.ofMillis(1500), Duration.ofMinutes(5)))
            .withAntiEntropyInterval(Duration.ofSeconds(1)))
        .contactNodes(contact);
  }

  /**
   * Starts member {@code name} in a new JVM on this JVM's class path and waits until it is ready.
   * Its standard output and error go to {@code root/<name>-<n>.out}.
   */
  public static MemberProcess start(Path root, String name, String contact, Duration idleTimeout) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try {
      Files.createDirectories(root);
      Path output = Files.createTempFile(root, name.replace('@', '-') + "-", ".out");
      Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
          "-cp", System.getProperty("java.class.path"), MemberProcess.class.getName(),
          root.toString(), name, contact, Long.toString(idleTimeout.toMillis()))
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      String[] ready = new String[1];
      try {
        await("member " + name + " ready (output in " + output + ")").atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("member " + name + " exited with " + process.exitValue()
                    + ":\n" + Files.readString(output));
              }
              ready[0] = readyLine(output).orElse(null);
              return ready[0] != null;
            });
      } catch (RuntimeException e) {
        process.destroyForcibly();
        throw e;
      }
      String[] fields = ready[0].split(" ");
      return new MemberProcess(name, process, output, fields[1], Integer.parseInt(fields[2]));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start member " + name, e);
    }
  }

  private static Optional<String> readyLine(Path output) throws IOException {
    return Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("READY ")).findFirst();
  }

  public String name() {
    return name;
  }

  /** The member's key fingerprint, as it printed it once started ({@code SHA256:<hex>}). */
  public String fingerprint() {
    return fingerprint;
  }

  /** The UDP port the member listens on. */
  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the member's JVM with SIGKILL and waits until it is gone: nothing it could send on the way out is sent. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** Asks the member to stop gracefully (leave, unregister, close) and waits until it has exited; returns its exit code. */
  public int stop() {
    try {
      OutputStream in = process.getOutputStream();
      in.write("stop\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot ask member " + name + " to stop", e);
    }
    return waitForExit();
  }

  private int waitForExit() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("member " + name + " did not exit within 30 s; output in " + output);
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted waiting for member " + name, e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitForExit();
    }
  }

  /** Entry point of the member's JVM: {@code <root> <name> <contact> <idle timeout in ms>}. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    String name = args[1];
    Duration idleTimeout = Duration.ofMillis(Long.parseLong(args[3]));
    P2pNode node = new P2pNode(config(root, name, args[2], idleTimeout).build()).start();
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(LIFETIME.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      node.halt();
      Runtime.getRuntime().halt(3);
    }, "member-lifetime");
    watchdog.setDaemon(true);
    watchdog.start();
    String self = node.name().toString();
    node.publish(NodeProbe.class, () -> self);
    node.registry().register(SERVICE, ServiceMetadata.EMPTY).join();
    System.out.println("READY " + node.fingerprint() + " " + node.listenAddress().getPort());
    System.out.flush();
    BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = commands.readLine(); line != null; line = commands.readLine()) {
      if (line.trim().equals("stop")) {
        node.stop();
        System.exit(0);
      }
    }
    node.halt(); // the test JVM is gone
    System.exit(0);
  }
}
