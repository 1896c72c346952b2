package io.barrel.p2p.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrel.p2p.NodeConfig;
import io.barrel.p2p.NodeName;
import io.barrel.p2p.P2pNode;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.identity.Ed25519;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.metrics.MeterName;
import io.barrel.p2p.testing.RawHandshake;
import io.barrel.p2p.testing.RawQuic;
import io.barrel.p2p.testing.RecordingMetrics;
import io.barrel.p2p.testing.TestNodes;
import io.barrel.p2p.testing.UdpPartition;
import io.barrel.p2p.transport.auth.AuthConfig;
import io.barrel.p2p.transport.auth.AuthFailureReason;
import java.io.ByteArrayOutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections, streams and the rules around them, over real QUIC on 127.0.0.1. */
class ConnectionsOverQuicTest {

  @TempDir Path dir;
  TestNodes nodes;

  @BeforeEach
  void setUp() {
    nodes = new TestNodes(dir);
  }

  @AfterEach
  void tearDown() {
    nodes.close();
  }

  private static NodeIdentity freshIdentity(String name) {
    byte[] seed = Ed25519.generateSeed(new SecureRandom());
    return new NodeIdentity(NodeName.of(name), seed);
  }

  @Test
  void simultaneousDialsFromBothSidesEndWithOneConnection() throws Exception {
    for (int round = 0; round < 5; round++) {
      P2pNode a = nodes.start("a" + round + "@127.0.0.1");
      P2pNode b = nodes.start("b" + round + "@127.0.0.1");
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Void> ab = CompletableFuture.runAsync(() -> { awaitLatch(go); a.connect(b.name()).join(); });
      CompletableFuture<Void> ba = CompletableFuture.runAsync(() -> { awaitLatch(go); b.connect(a.name()).join(); });
      go.countDown();
      ab.get(15, TimeUnit.SECONDS);
      ba.get(15, TimeUnit.SECONDS);

      // Both ends settle on the same single connection: the one dialed by the smaller name (a).
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(a.connections()).hasSize(1);
        assertThat(b.connections()).hasSize(1);
        assertThat(a.connections().get(0).outbound()).isTrue();
        assertThat(b.connections().get(0).outbound()).isFalse();
        assertThat(a.transport().openQuicConnections()).isEqualTo(1);
        assertThat(b.transport().openQuicConnections()).isEqualTo(1);
      });
      a.sendControl(b.name(), 7, new byte[] {1}).get(5, TimeUnit.SECONDS);
    }
  }

  private static void awaitLatch(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aPeerThatCrashedSilentlyAndRestartedReplacesItsDeadConnectionAtOnceWhoeverDialed() throws Exception {
    // A crash that says nothing, in one JVM: p's datagrams are dropped by the relay in front of it
    // while it halts, so the CONNECTION_CLOSE of its halt never reaches a, whose connection to p
    // stays up (idle timeout 2 min). a dialed it and has the smaller name: the tie-break between
    // two connections to one life would keep that dead connection and refuse the new life's dial.
    RecordingMetrics metrics = new RecordingMetrics();
    UnaryOperator<NodeConfig.Builder> longIdle = b -> b.transport(
        b.build().transport().withIdleTimeout(Duration.ofMinutes(2), Duration.ofSeconds(20)));
    P2pNode a = nodes.start("a@127.0.0.1", b -> longIdle.apply(b).metrics(metrics));
    P2pNode p = nodes.start("p@127.0.0.1", longIdle);
    List<String> heard = new CopyOnWriteArrayList<>();
    a.addConnectionListener(new ConnectionListener() {
      @Override
      public void peerConnected(NodeName peer) {
        heard.add("up " + peer);
      }

      @Override
      public void peerDisconnected(NodeName peer, CloseReason reason) {
        heard.add("down " + peer + " " + reason.tag());
      }
    });
    try (UdpPartition network = new UdpPartition()) {
      network.attach(a.name(), a.listenAddress());
      network.attach(p.name(), p.listenAddress());
      nodes.addressBook().override(p.name(), network.addressOf(p.name()));
      a.connect(p.name()).get(10, TimeUnit.SECONDS);
      InetSocketAddress deadLife = a.connections().get(0).remoteAddress();
      assertThat(network.relays(deadLife)).as("a reaches p through the relay").isTrue();

      network.split(Set.of(p.name())); // held to the end: nothing of the old p reaches a again
      p.halt();
      P2pNode reborn = nodes.start("p@127.0.0.1", longIdle); // same data directory: same key, later life
      assertThat(a.connections()).singleElement()
          .satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(deadLife));
      reborn.connect(a.name()).get(10, TimeUnit.SECONDS); // straight to a, around the relays

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(a.connections()).singleElement()
            .satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(reborn.listenAddress()));
        assertThat(metrics.count(MeterName.CONNECTIONS_CLOSED, CloseReason.SUPERSEDED.tag())).isEqualTo(1);
      });
      assertThat(heard).containsExactly("up p@127.0.0.1", "down p@127.0.0.1 superseded", "up p@127.0.0.1");
      assertThat(metrics.count(MeterName.CONNECTIONS_CLOSED, CloseReason.DUPLICATE.tag())).isZero();
      a.sendControl(p.name(), 7, new byte[] {1}).get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEarlierLifeStillRunningBesideALaterLifeOfTheSameIdentityIsRefusedAndToldWhy() throws Exception {
    // A copied data directory: two processes with one key and one name, each a life of its own.
    RecordingMetrics atP = new RecordingMetrics();
    RecordingMetrics atCopy = new RecordingMetrics();
    P2pNode p = nodes.start("p@127.0.0.1", b -> b.metrics(atP));
    nodes.start("x@127.0.0.1").stop();
    Path copyDir = dir.resolve("x-copy");
    copyTree(nodes.dataDirectory("x@127.0.0.1"), copyDir);
    P2pNode copy = nodes.start("x@127.0.0.1", b -> b.dataDirectory(copyDir).metrics(atCopy));
    P2pNode original = nodes.start("x@127.0.0.1");
    assertThat(original.transport().incarnation()).isGreaterThan(copy.transport().incarnation());

    copy.connect(p.name()).get(10, TimeUnit.SECONDS);
    original.connect(p.name()).get(10, TimeUnit.SECONDS); // a later life: taken as the copy's restart

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      copy.connect(p.name()).exceptionally(e -> null); // the copy keeps coming back, as a node would
      assertThat(atP.count(MeterName.CONNECTIONS_CLOSED, CloseReason.IDENTITY_IN_USE.tag())).isPositive();
      assertThat(atCopy.count(MeterName.CONNECTIONS_CLOSED, CloseReason.IDENTITY_IN_USE.tag()))
          .as("the copy hears why it was refused").isPositive();
    });
    // p stays with the later life all along.
    assertThat(p.connections()).singleElement()
        .satisfies(c -> assertThat(c.remoteAddress()).isEqualTo(original.listenAddress()));
    assertThat(atP.count(MeterName.CONNECTIONS_CLOSED, CloseReason.SUPERSEDED.tag())).isEqualTo(1);
    original.sendControl(p.name(), 7, new byte[] {1}).get(5, TimeUnit.SECONDS);
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        java.nio.file.Files.copy(source, to.resolve(from.relativize(source).toString()),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  @Test
  void aStreamOpenedRightAfterDisconnectDialsAFreshConnection() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    b.registerAcceptor("t", s -> s.listen((st, d) -> {}));
    for (int i = 0; i < 5; i++) {
      a.connect(b.name()).get(10, TimeUnit.SECONDS);

      a.transport().disconnect(b.name());
      AppStream stream = a.openStream(b.name(), "t").get(10, TimeUnit.SECONDS);

      stream.write(new byte[] {1}).get(5, TimeUnit.SECONDS);
      assertThat(a.connectedPeers()).contains(b.name());
      await().atMost(Duration.ofSeconds(10)).until(() -> a.transport().openQuicConnections() == 1);
      stream.close().get(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Holds the first lookup until released, then lets the next backend answer: makes a dial start
   * exactly when a test wants it to.
   */
  private static final class GatedDiscovery implements Discovery {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public Optional<InetSocketAddress> lookup(NodeName node) {
      if (first.compareAndSet(true, false)) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Optional.empty();
    }

    @Override
    public Set<NodeName> list() {
      return Set.of();
    }

    @Override
    public String name() {
      return "gate";
    }
  }

  /** Asks another backend and records the threads its lookups ran on. */
  private static final class ThreadRecording implements Discovery {
    final List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Discovery inner;
    private final boolean fromMemory;

    ThreadRecording(Discovery inner, boolean fromMemory) {
      this.inner = inner;
      this.fromMemory = fromMemory;
    }

    @Override
    public Optional<InetSocketAddress> lookup(NodeName node) {
      threads.add(Thread.currentThread().getName());
      return inner.lookup(node);
    }

    @Override
    public boolean answersFromMemory() {
      return fromMemory;
    }

    @Override
    public Set<NodeName> list() {
      return inner.list();
    }

    @Override
    public String name() {
      return fromMemory ? "memory" : "maybe-blocking";
    }
  }

  @Test
  void aBackendThatAnswersFromMemoryIsAskedOnTheDialingThreadAndAnyOtherOnTheIoPool() throws Exception {
    ThreadRecording memory = new ThreadRecording(nodes.addressBook(), true);
    ThreadRecording blocking = new ThreadRecording(nodes.addressBook(), false);
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.customDiscovery(List.of(memory, nodes.addressBook())));
    P2pNode c = nodes.start("c@127.0.0.1", cfg -> cfg.customDiscovery(List.of(blocking, nodes.addressBook())));
    P2pNode b = nodes.start("b@127.0.0.1");

    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    c.connect(b.name()).get(10, TimeUnit.SECONDS);

    assertThat(memory.threads).as("no hand-off to the I/O pool").containsExactly(Thread.currentThread().getName());
    assertThat(blocking.threads).isNotEmpty().allMatch(t -> t.startsWith("barrel-p2p-io"));
    assertThat(a.connectedPeers()).contains(b.name());
    assertThat(c.connectedPeers()).contains(b.name());
  }

  /** The bytes an acceptor's streams received, in order. */
  private static final class Received {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    synchronized void add(byte[] data) {
      bytes.writeBytes(data);
    }

    synchronized byte[] get() {
      return bytes.toByteArray();
    }
  }

  @Test
  void theHandshakeDeadlineIsCancelledOnBothSidesOnceTheConnectionIsEstablished() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");

    PeerConnection outbound = a.transport().connection(b.name()).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.transport().connectedPeers().contains(a.name()));
    PeerConnection inbound = b.transport().connection(a.name()).get(10, TimeUnit.SECONDS);

    // Before, each timer stayed queued on the event loop for handshake-timeout (10 s) after the
    // handshake, holding its connection; now both sides' are cancelled once it carries traffic.
    assertThat(outbound.phase()).isEqualTo(PeerConnection.Phase.ESTABLISHED);
    assertThat(outbound.handshakeDeadline()).as("the dialer's deadline").isNotNull();
    assertThat(outbound.handshakeDeadline().isCancelled()).as("the dialer's deadline cancelled").isTrue();
    assertThat(inbound.phase()).isEqualTo(PeerConnection.Phase.ESTABLISHED);
    assertThat(inbound.handshakeDeadline()).as("the accepting side's deadline").isNotNull();
    assertThat(inbound.handshakeDeadline().isCancelled()).as("the accepting side's deadline cancelled").isTrue();
    // The authentication stream's own deadline goes too, once the exchange is over (the server's
    // OK may leave just after the connection was established, so this waits for it, well within
    // the 10 s after which the timer would have fired instead).
    AuthExchange serverExchange = inbound.authExchange();
    assertThat(serverExchange.deadline()).as("the authentication stream's deadline").isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> serverExchange.deadline().isCancelled());
  }

  @Test
  void aPeerThatCompletesQuicButNeverAuthenticatesIsClosedAtTheHandshakeDeadline() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    AuthConfig d = AuthConfig.defaults();
    AuthConfig shortDeadline = new AuthConfig(d.verifyIdentity(), d.allowUnauthenticated(), d.clusterSecret(),
        d.timestampWindow(), Duration.ofSeconds(1), d.exemptNodes());
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics).auth(shortDeadline));
    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      // QUIC's handshake is done; this peer then says nothing, so only the connection's own
      // deadline (no authentication stream was ever opened) can end it.
      assertThat(raw.applicationCloseCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.AUTH_FAILED.code());
    }
    assertThat(bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail", AuthFailureReason.TIMEOUT.metricTag()))
        .isEqualTo(1);
  }

  @Test
  void anAttemptStartedWhileAConnectionIsBeingHandedOutIsNotAnsweredWithIt() throws Exception {
    GatedDiscovery gate = new GatedDiscovery();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.customDiscovery(List.of(gate, nodes.addressBook())));
    P2pNode b = nodes.start("b@127.0.0.1");
    Transport t = a.transport();
    CompletableFuture<CompletableFuture<PeerConnection>> next = new CompletableFuture<>();
    // The dial waits in the gate until this callback is in place, so it runs on the event loop
    // while the first connection is being admitted: the tightest spot in which a caller can
    // disconnect it and ask again.
    t.connect(b.name()).thenRun(() -> {
      t.disconnect(b.name());
      next.complete(t.connection(b.name()));
    });
    gate.release.countDown();

    PeerConnection fresh = next.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);

    assertThat(fresh.isUsable()).as("the new attempt got %s", fresh).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> t.openQuicConnections() == 1);
    assertThat(fresh.isUsable()).isTrue();
    assertThat(t.connectedPeers()).containsExactly(b.name());
  }

  @Test
  void aDialThatOutlivedItsAttemptDoesNotDisplaceTheConnectionInUse() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(metrics));
    P2pNode b = nodes.start("b@127.0.0.1");
    Received received = new Received();
    b.registerAcceptor("t", s -> s.listen((st, d) -> received.add(d)));
    try (UdpPartition network = new UdpPartition()) {
      network.attach(a.name(), a.listenAddress());
      network.attach(b.name(), b.listenAddress());
      // a's first dial leaves through a relay that holds it back; b's dial answers the attempt meanwhile.
      nodes.addressBook().override(b.name(), network.addressOf(b.name()));
      network.split(Set.of(b.name()));
      CompletableFuture<Void> first = a.connect(b.name());
      await().atMost(Duration.ofSeconds(10)).until(() -> network.dropped() > 0);
      b.connect(a.name()).get(10, TimeUnit.SECONDS);
      first.get(10, TimeUnit.SECONDS);

      // A new connection, dialed by a straight to b, carries a stream.
      nodes.addressBook().override(b.name(), b.listenAddress());
      a.transport().disconnect(b.name());
      AppStream stream = a.openStream(b.name(), "t").get(10, TimeUnit.SECONDS);
      stream.write(new byte[] {1}).get(5, TimeUnit.SECONDS);

      // Now the first dial gets through, long after its attempt ended: it must not replace the connection.
      network.heal();
      await().atMost(Duration.ofSeconds(15))
          .until(() -> metrics.count(MeterName.CONNECTIONS_CLOSED, "duplicate") == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> a.transport().openQuicConnections() == 1);

      stream.write(new byte[] {2}).get(5, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received.get()).containsExactly(1, 2));
      assertThat(a.connections()).hasSize(1);
      assertThat(a.connections().get(0).openStreams()).isEqualTo(1);
      stream.close().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aDialWhoseAttemptWasAnsweredBeforeItLeftIsNotMade() throws Exception {
    GatedDiscovery gate = new GatedDiscovery();
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1",
        c -> c.customDiscovery(List.of(gate, nodes.addressBook())).metrics(metrics));
    P2pNode b = nodes.start("b@127.0.0.1");

    // a's lookup waits in the gate; b's dial answers a's attempt meanwhile.
    CompletableFuture<Void> first = a.connect(b.name());
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    b.connect(a.name()).get(10, TimeUnit.SECONDS);
    first.get(10, TimeUnit.SECONDS);

    // The lookup then answers: a dial now could only make a second connection, closed as a duplicate.
    gate.release.countDown();
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
        .until(() -> a.transport().openQuicConnections() == 1
            && metrics.count(MeterName.CONNECTIONS_CLOSED, "duplicate") == 0
            && metrics.count(MeterName.DIALS, "ok") + metrics.count(MeterName.DIALS, "fail") == 0);
    assertThat(a.connectedPeers()).containsExactly(b.name());
  }

  @Test
  void concurrentCallersShareOneDial() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(metrics));
    P2pNode b = nodes.start("b@127.0.0.1");
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(CompletableFuture.runAsync(() -> a.connect(b.name()).join()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);

    assertThat(metrics.count(MeterName.DIALS, "ok")).isEqualTo(1);
    assertThat(metrics.count(MeterName.CONNECTIONS_OPENED, "outbound")).isEqualTo(1);
    assertThat(a.connections()).hasSize(1);
  }

  /**
   * Callers that keep asking while an attempt ends: one that looked for a connection just before
   * the dial's connection was admitted and reaches the attempt just after it finished must take
   * that connection, not dial a second time. Two threads ask without pause through each round's
   * whole attempt, so that some of their calls land in that window.
   */
  @Test
  void callersArrivingAsAnAttemptEndsTakeItsConnectionInsteadOfDialingAgain() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(metrics));
    P2pNode b = nodes.start("b@127.0.0.1");
    int rounds = 10;
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int round = 1; round <= rounds; round++) {
        runRound(a, b, threads, metrics, round);
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(metrics.count(MeterName.CONNECTIONS_OPENED, "outbound")).isEqualTo(rounds);
  }

  private static void runRound(P2pNode a, P2pNode b, ExecutorService threads, RecordingMetrics metrics, int round)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Set<CompletableFuture<PeerConnection>>>> callers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      callers.add(CompletableFuture.supplyAsync(() -> {
        awaitLatch(start);
        // Ask without waiting, again and again, until the connection has answered many calls in a
        // row: the window is between a caller's look at the table and its look at the attempt.
        // The transport's own lookup, so that the waiting calls add no callbacks to the attempt.
        Set<CompletableFuture<PeerConnection>> attempts = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int answeredInARow = 0; answeredInARow < 200; ) {
          CompletableFuture<PeerConnection> call = a.transport().connection(b.name());
          attempts.add(call);
          answeredInARow = call.isDone() ? answeredInARow + 1 : 0;
        }
        return attempts;
      }, threads));
    }
    start.countDown();
    for (CompletableFuture<Set<CompletableFuture<PeerConnection>>> caller : callers) {
      for (CompletableFuture<PeerConnection> call : caller.get(15, TimeUnit.SECONDS)) {
        call.get(15, TimeUnit.SECONDS);
      }
    }

    assertThat(metrics.count(MeterName.DIALS, "ok")).as("dials after round %d", round).isEqualTo(round);
    a.transport().disconnect(b.name());
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
        .until(() -> a.connections().isEmpty() && b.connections().isEmpty());
  }

  @Test
  void controlFramesReachTheListenerOfTheirChannelWithTheAuthenticatedSender() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    BlockingQueue<String> got = new LinkedBlockingQueue<>();
    b.onControl(3, (from, payload) -> got.add(from + ":" + new String(payload, StandardCharsets.UTF_8)));

    a.sendControl(b.name(), 3, "hello".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    a.sendControl(b.name(), 4, "nobody listens".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    a.sendControl(b.name(), 3, "again".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("a@127.0.0.1:hello");
    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("a@127.0.0.1:again");
  }

  @Test
  void aConnectionListenerThatThrowsSkipsNeitherTheOthersNorTheConnectionsFirstFrames() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    ConnectionListener throwing = new ConnectionListener() {
      @Override
      public void peerConnected(NodeName peer) {
        throw new IllegalStateException("a listener with a bug");
      }

      @Override
      public void peerDisconnected(NodeName peer, CloseReason reason) {
        throw new IllegalStateException("a listener with a bug");
      }
    };
    b.addConnectionListener(throwing);
    b.addConnectionListener(new ConnectionListener() {
      @Override
      public void peerConnected(NodeName peer) {
        events.add("up " + peer);
      }

      @Override
      public void peerDisconnected(NodeName peer, CloseReason reason) {
        events.add("down " + peer);
      }
    });
    b.onControl(3, (from, payload) -> events.add("frame " + new String(payload, StandardCharsets.UTF_8)));

    a.sendControl(b.name(), 3, "first".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);

    assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("up a@127.0.0.1");
    assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("frame first");
    a.transport().disconnect(b.name());
    assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("down a@127.0.0.1");
  }

  @Test
  void dialsThatNeverFinishTheQuicHandshakeLeaveNothingBehind() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.metrics(metrics).transport(
        TransportConfig.defaults().withBind("127.0.0.1", 0).withConnectTimeout(Duration.ofMillis(500))));
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      NodeName ghost = NodeName.of("ghost@127.0.0.1");
      nodes.addressBook().override(ghost, new InetSocketAddress("127.0.0.1", silent.getLocalPort()));

      for (int i = 0; i < 3; i++) {
        assertThatThrownBy(() -> a.connect(ghost).get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
      }

      // Each connection was closed before QUIC came up: it must still leave the transport's books.
      await().atMost(Duration.ofSeconds(10)).until(() -> a.transport().openQuicConnections() == 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> metrics.total(MeterName.CONNECTIONS_CLOSED) == 3);
    }
  }

  @Test
  void connectTimeoutEndsADialToASilentAddressAndItsQuicConnection() throws Exception {
    // The whole handshake may take up to 30 s; a dial to a silent address must still end at the
    // connect timeout, its QUIC connection with it, not at that deadline (or Netty's default 30 s).
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.auth(TestNodes.auth().withHandshakeTimeout(Duration.ofSeconds(30)))
        .transport(TransportConfig.defaults().withBind("127.0.0.1", 0).withConnectTimeout(Duration.ofMillis(400))));
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      NodeName ghost = NodeName.of("ghost@127.0.0.1");
      nodes.addressBook().override(ghost, new InetSocketAddress("127.0.0.1", silent.getLocalPort()));
      long start = System.nanoTime();
      assertThatThrownBy(() -> a.connect(ghost).get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(PeerUnreachableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> a.transport().openQuicConnections() == 0);
    }
    // A reachable peer still connects and authenticates under the same short connect timeout.
    P2pNode b = nodes.start("b@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    assertThat(a.transport().connectedPeers()).contains(b.name());
  }

  /** Holds {@code c}'s event loop until the latch is counted down, then closes {@code c} there. */
  private static CountDownLatch closeOnceReleased(PeerConnection c) {
    CountDownLatch hold = new CountDownLatch(1);
    c.channel().eventLoop().execute(() -> {
      try {
        hold.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    c.channel().eventLoop().execute(() -> c.channel().close());
    return hold;
  }

  @Test
  void aStreamOpenedAsItsConnectionClosesFailsAsConnectionLostAndTheTransportRetriesOnAFreshOne() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    PeerConnection first = a.transport().connection(b.name()).get(10, TimeUnit.SECONDS);
    // The stream is asked for while the connection is still open, and created on the event loop
    // right after the connection closed there: the event loop is held until both are queued.
    CountDownLatch hold = closeOnceReleased(first);
    CompletableFuture<AppStream> opened = first.openStream(new StreamHeader.Data(), null);
    hold.countDown();
    assertThatThrownBy(() -> opened.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionLostException.class);
    // Through the transport's own entry point the same race is retried on a new connection.
    PeerConnection second = a.transport().connection(b.name()).get(10, TimeUnit.SECONDS);
    assertThat(second).isNotSameAs(first);
    CountDownLatch holdAgain = closeOnceReleased(second);
    CompletableFuture<AppStream> reopened = a.transport().openDataStream(b.name());
    holdAgain.countDown();
    AppStream stream = reopened.get(10, TimeUnit.SECONDS);
    assertThat(stream).isNotNull();
    assertThat(a.transport().connection(b.name()).get(10, TimeUnit.SECONDS)).isNotSameAs(second);
    stream.reset();
  }

  @Test
  void aControlFrameOfExactlyTheLargestSizeIsDeliveredAndTheConnectionStays() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
    b.onControl(3, (from, payload) -> got.add(payload.length));
    int largest = a.transport().config().maxControlFrameBytes();

    a.sendControl(b.name(), 3, new byte[largest]).get(10, TimeUnit.SECONDS);
    a.sendControl(b.name(), 3, new byte[1]).get(10, TimeUnit.SECONDS);

    assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo(largest);
    assertThat(got.poll(5, TimeUnit.SECONDS)).as("the same connection carries on").isEqualTo(1);
    assertThat(a.transport().connectedPeers()).contains(b.name());
  }

  @Test
  void oversizedControlFrameIsRefusedLocallyWithAClearError() {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    byte[] big = new byte[a.transport().config().maxControlFrameBytes() + 1];

    assertThatThrownBy(() -> a.sendControl(b.name(), 3, big).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(FrameTooLargeException.class)
        .hasMessageContaining("transport.max-control-frame");
  }

  @Test
  void applicationStreamEchoesBothWaysAndEndsCleanly() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    b.registerAcceptor("echo", stream -> stream.listen(new StreamListener() {
      @Override
      public void onData(AppStream s, byte[] data) {
        s.write(data);
      }

      @Override
      public void onEnd(AppStream s) {
        s.finish();
      }
    }));
    ByteArrayOutputStream echoed = new ByteArrayOutputStream();
    CompletableFuture<Void> ended = new CompletableFuture<>();

    AppStream stream = a.openStream(b.name(), "echo").get(10, TimeUnit.SECONDS);
    stream.listen(new StreamListener() {
      @Override
      public synchronized void onData(AppStream s, byte[] data) {
        echoed.writeBytes(data);
      }

      @Override
      public void onEnd(AppStream s) {
        ended.complete(null);
      }
    });
    // Large enough that QUIC flow and congestion control queue part of it when FIN is written.
    byte[] payload = new byte[4 * 1024 * 1024];
    new SecureRandom().nextBytes(payload);
    stream.write(payload).get(10, TimeUnit.SECONDS);
    stream.finish();

    ended.get(15, TimeUnit.SECONDS);
    synchronized (stream) {
      assertThat(echoed.toByteArray()).isEqualTo(payload);
    }
    assertThat(stream.peer()).isEqualTo(b.name());
    assertThat(stream.tag()).isEqualTo("echo");
  }

  @Test
  void aRetryIsAskedOnlyFromTheThresholdOfUnfinishedHandshakes() throws Exception {
    RecordingMetrics relaxedMetrics = new RecordingMetrics();
    RecordingMetrics strictMetrics = new RecordingMetrics();
    P2pNode relaxed = nodes.start("r@127.0.0.1", c -> c.metrics(relaxedMetrics));
    P2pNode always = nodes.start("s@127.0.0.1", c -> c.metrics(strictMetrics)
        .transport(TransportConfig.defaults().withBind("127.0.0.1", 0).withRetryThreshold(0)));
    P2pNode a = nodes.start("a@127.0.0.1");

    a.connect(relaxed.name()).get(10, TimeUnit.SECONDS);
    a.connect(always.name()).get(10, TimeUnit.SECONDS);

    // Default threshold (16): one handshake at a time is served without a Retry; threshold 0
    // sends one to every new client, which echoes the token and connects all the same.
    assertThat(relaxedMetrics.count(MeterName.RETRIES_SENT)).isZero();
    assertThat(strictMetrics.count(MeterName.RETRIES_SENT)).isEqualTo(1);
    assertThat(a.connectedPeers()).contains(relaxed.name(), always.name());
  }

  @Test
  void nodesConfiguredForLargeDatagramsUseThemWithoutLosingAByte() throws Exception {
    // A payload size above the socket's default 2 KiB read buffer: every full datagram would be
    // truncated and dropped if the receive buffer did not follow the advertised size.
    java.util.function.UnaryOperator<io.barrel.p2p.NodeConfig.Builder> jumbo = c -> c.transport(
        TransportConfig.defaults().withBind("127.0.0.1", 0).withMaxUdpPayload(16_000));
    P2pNode a = nodes.start("a@127.0.0.1", jumbo);
    P2pNode b = nodes.start("b@127.0.0.1", jumbo);
    assertThat(a.transport().config().maxRecvUdpPayload()).isEqualTo(16_000);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    b.registerAcceptor("sink", stream -> stream.listen(new StreamListener() {
      @Override
      public void onData(AppStream s, byte[] data) {
        received.writeBytes(data); // one call at a time, in order; onEnd comes last
      }

      @Override
      public void onEnd(AppStream s) {
        ended.complete(null);
      }
    }));
    byte[] payload = new byte[4 * 1024 * 1024];
    new SecureRandom().nextBytes(payload);
    AppStream stream = a.openStream(b.name(), "sink").get(10, TimeUnit.SECONDS);
    stream.write(payload).get(15, TimeUnit.SECONDS);
    stream.finish();

    ended.get(15, TimeUnit.SECONDS);
    assertThat(received.toByteArray()).isEqualTo(payload);
  }

  @Test
  void streamWithAnUnknownTagIsRefusedAndCounted() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    CompletableFuture<Throwable> error = new CompletableFuture<>();

    AppStream stream = a.openStream(b.name(), "nobody-here").get(10, TimeUnit.SECONDS);
    stream.listen(new StreamListener() {
      @Override
      public void onData(AppStream s, byte[] data) {}

      @Override
      public void onEnd(AppStream s) {
        error.complete(null);
      }

      @Override
      public void onError(AppStream s, Throwable cause) {
        error.complete(cause);
      }
    });

    stream.closeFuture().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> bMetrics.count(MeterName.STREAMS_REFUSED, "unknown_tag") == 1);
    assertThat(a.connectedPeers()).as("a refused stream does not cost the connection").contains(b.name());
  }

  @Test
  void reservedTagPrefixIsEnforcedOnBothEnds() {
    P2pNode a = nodes.start("a@127.0.0.1");
    nodes.start("b@127.0.0.1");
    assertThatThrownBy(() -> a.registerAcceptor("barrel.rpc", s -> {}))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> a.openStream(NodeName.of("b@127.0.0.1"), "barrel.rpc").get(5, TimeUnit.SECONDS))
        .hasMessageContaining("reserved");
    a.registerAcceptor("chat", s -> {});
    assertThatThrownBy(() -> a.registerAcceptor("chat", s -> {})).hasMessageContaining("already");
  }

  @Test
  void sendingToAnUnknownNodeFailsWithPeerUnreachable() {
    P2pNode a = nodes.start("a@127.0.0.1");
    assertThatThrownBy(() -> a.connect(NodeName.of("ghost@127.0.0.1")).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("no address known");
  }

  @Test
  void streamsOpenedBeforeAuthenticationCloseTheConnectionAndTheNodeKeepsServing() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      byte[] control = StreamHeaderCodec.encode(new StreamHeader.Control());
      byte[] frame = {0, 0, 0, 3, 0, 5, 42}; // a well-formed control frame: channel 5, one byte
      byte[] bytes = new byte[control.length + frame.length];
      System.arraycopy(control, 0, bytes, 0, control.length);
      System.arraycopy(frame, 0, bytes, control.length, frame.length);
      raw.openStream(bytes);

      assertThat(raw.applicationCloseCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.PROTOCOL_ERROR.code());
    }
    assertThat(bMetrics.count(MeterName.PROTOCOL_ERRORS, "pre_auth_stream")).isEqualTo(1);
    P2pNode a = nodes.start("a@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    assertThat(a.connectedPeers()).contains(b.name());
  }

  @Test
  void replayedHandshakeIsRefused() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    NodeIdentity mallory = freshIdentity("m@127.0.0.1");
    byte[] recorded;
    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      RawHandshake.Result genuine = RawHandshake.run(raw, mallory, b.name());
      assertThat(genuine.authenticated()).as("the genuine handshake succeeds").isTrue();
      recorded = genuine.sentBytes();
    }

    try (RawQuic replay = RawQuic.connect(b.listenAddress())) {
      replay.openStream(recorded);
      assertThat(replay.applicationCloseCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.AUTH_FAILED.code());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail",
        AuthFailureReason.SIGNATURE_INVALID.metricTag()) == 1);
  }

  @Test
  void streamsADialerOpensRightAfterAForgedResponseAreNeverRead() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    List<byte[]> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    b.onControl(5, (from, payload) -> delivered.add(payload));
    byte[] control = StreamHeaderCodec.encode(new StreamHeader.Control());
    byte[] frame = {0, 0, 0, 3, 0, 5, 42}; // a well-formed control frame: channel 5, one byte
    byte[] early = new byte[control.length + frame.length];
    System.arraycopy(control, 0, early, 0, control.length);
    System.arraycopy(frame, 0, early, control.length, frame.length);

    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      // The server proves itself first and holds what the dialer sends after its RESPONSE until
      // that RESPONSE verifies. Here it does not: one signature byte is flipped.
      RawHandshake.run(raw, freshIdentity("m@127.0.0.1"), b.name(), sent -> {
        if (sent instanceof io.barrel.p2p.transport.auth.AuthFrame.Response r) {
          byte[] sig = r.signature();
          sig[0] ^= 1;
          return new io.barrel.p2p.transport.auth.AuthFrame.Response(sig, r.secretProof());
        }
        return sent;
      }, early);

      assertThat(raw.applicationCloseCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.AUTH_FAILED.code());
    }
    assertThat(bMetrics.count(MeterName.AUTH_ATTEMPTS, "server", "fail",
        AuthFailureReason.SIGNATURE_INVALID.metricTag())).isEqualTo(1);
    assertThat(bMetrics.count(MeterName.PROTOCOL_ERRORS, "pre_auth_stream")).as("a held stream is no violation")
        .isZero();
    assertThat(delivered).as("nothing from the held stream was read").isEmpty();

    // The same eager dialer with a genuine RESPONSE: the held stream is served once it verifies.
    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      RawHandshake.Result result = RawHandshake.run(raw, freshIdentity("n@127.0.0.1"), b.name(), sent -> sent, early);
      assertThat(result.authenticated()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
      assertThat(delivered.get(0)).containsExactly(42);
    }
  }

  @Test
  void malformedControlFrameAfterAuthenticationClosesOnlyThatConnection() throws Exception {
    RecordingMetrics bMetrics = new RecordingMetrics();
    P2pNode b = nodes.start("b@127.0.0.1", c -> c.metrics(bMetrics));
    P2pNode a = nodes.start("a@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    try (RawQuic raw = RawQuic.connect(b.listenAddress())) {
      assertThat(RawHandshake.run(raw, freshIdentity("m@127.0.0.1"), b.name()).authenticated()).isTrue();
      byte[] header = StreamHeaderCodec.encode(new StreamHeader.Control());
      byte[] hostile = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 1}; // declares a 2 GiB frame
      byte[] bytes = new byte[header.length + hostile.length];
      System.arraycopy(header, 0, bytes, 0, header.length);
      System.arraycopy(hostile, 0, bytes, header.length, hostile.length);
      raw.openStream(bytes);

      assertThat(raw.applicationCloseCode().get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.PROTOCOL_ERROR.code());
    }
    assertThat(bMetrics.count(MeterName.PROTOCOL_ERRORS, "control_frame")).isEqualTo(1);
    assertThat(b.connectedPeers()).as("other connections are untouched").contains(a.name());
    a.sendControl(b.name(), 9, new byte[] {1}).get(5, TimeUnit.SECONDS);
  }

  @Test
  void idleConnectionOutsideTheActiveViewIsReapedButOneWithAnOpenStreamIsNot() throws Exception {
    RecordingMetrics aMetrics = new RecordingMetrics();
    java.util.function.UnaryOperator<io.barrel.p2p.NodeConfig.Builder> shortGc = c -> c.transport(
        TransportConfig.defaults().withBind("127.0.0.1", 0).withGc(Duration.ofMillis(300), Duration.ofHours(1)));
    P2pNode a = nodes.start("a@127.0.0.1", c -> shortGc.apply(c).metrics(aMetrics));
    P2pNode b = nodes.start("b@127.0.0.1", shortGc);
    P2pNode c = nodes.start("c@127.0.0.1", shortGc);
    P2pNode d = nodes.start("d@127.0.0.1", shortGc);
    c.registerAcceptor("hold", s -> s.listen((st, data) -> {}));
    a.transport().activeView(peer -> peer.equals(d.name()));

    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    AppStream open = a.openStream(c.name(), "hold").get(10, TimeUnit.SECONDS);
    a.connect(d.name()).get(10, TimeUnit.SECONDS);
    List<NodeName> reaped = new java.util.concurrent.CopyOnWriteArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
      reaped.addAll(a.transport().sweepIdleNow().get(5, TimeUnit.SECONDS));
      return !reaped.isEmpty();
    });

    assertThat(reaped).containsExactly(b.name());
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.connectedPeers().contains(b.name()));
    assertThat(a.connectedPeers()).contains(c.name(), d.name());
    assertThat(aMetrics.total(MeterName.IDLE_REAPED)).isEqualTo(1);

    open.close().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> a.transport().sweepIdleNow().get(5, TimeUnit.SECONDS).contains(c.name()));
    assertThat(a.connectedPeers()).as("in the active view: never reaped").contains(d.name());
  }

  @Test
  void trafficResetsIdleTime() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1", c -> c.transport(
        TransportConfig.defaults().withBind("127.0.0.1", 0).withGc(Duration.ofMillis(800), Duration.ofHours(1))));
    P2pNode b = nodes.start("b@127.0.0.1");
    a.connect(b.name()).get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 6; i++) {
      Thread.sleep(200);
      a.sendControl(b.name(), 5, new byte[] {1}).get(5, TimeUnit.SECONDS);
      assertThat(a.transport().sweepIdleNow().get(5, TimeUnit.SECONDS)).isEmpty();
    }
    assertThat(a.connectedPeers()).contains(b.name());
  }

  @Test
  void controlFramesSentWhileTheConnectionIsBeingDialedArriveInTheOrderTheyWereSent() throws Exception {
    P2pNode a = nodes.start("a@127.0.0.1");
    P2pNode b = nodes.start("b@127.0.0.1");
    List<Integer> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    b.onControl(9, (from, payload) -> received.add(java.nio.ByteBuffer.wrap(payload).getInt()));

    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // No connection exists yet: every frame waits for the same dial and must keep its place.
      sends.add(a.sendControl(b.name(), 9, java.nio.ByteBuffer.allocate(4).putInt(i).array()));
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 500);
    assertThat(received).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void controlFramesBeyondTheQueueLimitFailAtOnceWhileThePeerIsUnreachable() {
    P2pNode a = nodes.start("a@127.0.0.1");
    NodeName nowhere = NodeName.of("nowhere@127.0.0.1");
    // A port nobody listens on: the dial hangs until its deadline, so every frame queues.
    nodes.addressBook().override(nowhere, new java.net.InetSocketAddress("127.0.0.1", 9));
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    for (int i = 0; i < Transport.MAX_QUEUED_CONTROL_FRAMES + 10; i++) {
      sends.add(a.sendControl(nowhere, 9, new byte[] {1}));
    }
    assertThat(sends.subList(0, Transport.MAX_QUEUED_CONTROL_FRAMES)).noneMatch(CompletableFuture::isDone);
    assertThat(sends.subList(Transport.MAX_QUEUED_CONTROL_FRAMES, sends.size()))
        .allSatisfy(f -> assertThatThrownBy(f::join).hasCauseInstanceOf(TransportException.class)
            .hasMessageContaining("wait for a connection"));
  }
}
