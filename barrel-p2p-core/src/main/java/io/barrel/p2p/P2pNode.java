package io.barrel.p2p;

import io.barrel.p2p.broadcast.BroadcastListener;
import io.barrel.p2p.broadcast.Broadcaster;
import io.barrel.p2p.broadcast.MessageId;
import io.barrel.p2p.broadcast.Topic;
import io.barrel.p2p.broadcast.TopicSubscriptions;
import io.barrel.p2p.discovery.Discovery;
import io.barrel.p2p.discovery.DiscoveryChain;
import io.barrel.p2p.identity.DataDirectoryLock;
import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.IdentityStore;
import io.barrel.p2p.identity.IncarnationStore;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.RotationResult;
import io.barrel.p2p.tls.CertificateRotation;
import io.barrel.p2p.identity.TrustStore;
import io.barrel.p2p.membership.Membership;
import io.barrel.p2p.membership.ProtocolLoop;
import io.barrel.p2p.registry.Registry;
import io.barrel.p2p.registry.ServiceMetadata;
import io.barrel.p2p.rpc.Publication;
import io.barrel.p2p.rpc.RpcEndpoint;
import io.barrel.p2p.rpc.ServiceLocator;
import io.barrel.p2p.tls.TlsMaterial;
import io.barrel.p2p.tls.TlsMaterialStore;
import io.barrel.p2p.transport.AddressResolver;
import io.barrel.p2p.transport.AppStream;
import io.barrel.p2p.transport.ConnectionInfo;
import io.barrel.p2p.transport.ConnectionListener;
import io.barrel.p2p.transport.ControlListener;
import io.barrel.p2p.transport.StreamAcceptor;
import io.barrel.p2p.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A barrel-p2p node: build it from a {@link NodeConfig}, {@link #start()} it, talk to other nodes by
 * name, {@link #close()} it. Usable from a plain {@code main}; the Spring Boot starter wraps it.
 *
 * <pre>{@code
 * try (P2pNode node = new P2pNode(NodeConfig.builder("a@127.0.0.1").dataDirectory(Path.of("data/a")).build())) {
 *   node.start();
 *   node.openStream(NodeName.of("b@127.0.0.1"), "chat").join().write("hi".getBytes());
 * }
 * }</pre>
 */
public final class P2pNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(P2pNode.class);

  private final NodeConfig config;
  private DataDirectoryLock dataLock;
  private IdentityStore identityStore;
  private TlsMaterialStore tlsStore;
  private TrustStore trustStore;
  private Discovery discovery;
  private Transport transport;
  private ExecutorService ioExecutor;
  private ExecutorService applicationExecutor;
  private ProtocolLoop loop;
  private Membership membership;
  private Broadcaster broadcaster;
  private Registry registry;
  private RpcEndpoint rpc;
  private InetSocketAddress advertised;
  private volatile boolean started;
  private volatile boolean stopped;

  /** Creates a node; nothing touches the disk or the network until {@link #start()}. */
  public P2pNode(NodeConfig config) {
    this.config = config;
  }

  /**
   * Validates the configuration, loads or creates the identity and TLS material, binds the UDP
   * socket and registers the node in discovery. Fails loudly on unsafe configuration.
   */
  public synchronized P2pNode start() {
    if (stopped) {
      throw new IllegalStateException("node " + config.name() + " was stopped and cannot start again: its"
          + " connections, registrations and subscriptions are gone; build a new P2pNode (in Spring Boot,"
          + " restart the application context)");
    }
    if (started) {
      throw new IllegalStateException("node " + config.name() + " is already started");
    }
    config.auth().validate();
    config.auth().warnings().forEach(w -> log.warn("{}", w));
    // Taken before anything in the directory is read: a second node on it stops here, and the
    // directory's identity, lives and pins have one writer.
    dataLock = DataDirectoryLock.acquire(config.dataDirectory());
    NodeIdentity identity;
    try {
      identity = bringUp();
    } catch (RuntimeException | Error e) {
      dataLock.close();
      throw e;
    }
    started = true;
    log.info("node {} started; identity {} ; advertised at {}", config.name(), identity.fingerprint(), advertised);
    return this;
  }

  /** Everything {@link #start()} does once it holds the data directory. */
  private NodeIdentity bringUp() {
    identityStore = new IdentityStore(config.keyDirectory());
    NodeIdentity identity = identityStore.loadOrCreate(config.name());
    // Recorded before the node is on the network: a peer must never see two lives with one number.
    long incarnation = new IncarnationStore(config.keyDirectory()).begin(System.currentTimeMillis());
    tlsStore = new TlsMaterialStore(config.tlsDirectory());
    TlsMaterial tls = tlsStore.loadOrCreate(config.name());
    trustStore = new TrustStore(config.keyDirectory().resolve("trusted"), config.trustMode());
    DiscoveryChain chain = DiscoveryChain.build(config.discovery(), config.customDiscovery());
    discovery = chain;
    ioExecutor = boundedPool("barrel-p2p-io", 4);
    applicationExecutor = ApplicationExecutors.create();
    AddressResolver resolver = new AddressResolver() {
      @Override
      public Optional<InetSocketAddress> resolve(NodeName node) {
        return chain.lookup(node);
      }

      @Override
      public Optional<InetSocketAddress> resolveFromMemory(NodeName node) {
        return chain.lookupFromMemory(node);
      }
    };
    transport = new Transport(config.transport(), identity, tls, config.auth(), trustStore, resolver,
        config.metrics(), ioExecutor, applicationExecutor, incarnation);
    boolean registered = false;
    try {
      // The layers listen before the socket is bound: a peer that still has this node's address (a
      // restart on the same port) may send as soon as it is, and its first RPC streams, broadcast
      // and registry frames are taken instead of refused or dropped. Membership starts last, once
      // the node can dial, as it starts by joining.
      loop = new ProtocolLoop(config.name().toString());
      SecureRandom random = new SecureRandom();
      membership = new Membership(transport, config.membership(), loop, config.metrics(), applicationExecutor, random);
      broadcaster = new Broadcaster(transport, membership, config.broadcast(), loop, config.metrics(),
          applicationExecutor, random);
      registry = new Registry(transport, membership, broadcaster, config.registry(), loop, config.metrics(),
          applicationExecutor, random);
      rpc = new RpcEndpoint(config.name(), transport, registry, config.rpc(), config.metrics());
      rpc.start();
      broadcaster.start();
      registry.start();
      InetSocketAddress bound = transport.start();
      advertised = new InetSocketAddress(advertisedHost(bound), bound.getPort());
      discovery.register(config.name(), advertised);
      registered = true;
      membership.start(config.contactNodes());
    } catch (RuntimeException e) {
      if (registered) {
        // Others would otherwise keep dialing an address nothing answers on.
        try {
          discovery.unregister(config.name());
        } catch (RuntimeException unregisterFailed) {
          e.addSuppressed(unregisterFailed);
        }
      }
      closeLayers(); // they may have started: they listen before the socket is bound
      throw e;
    }
    return identity;
  }

  private String advertisedHost(InetSocketAddress bound) {
    if (config.transport().advertisedHost() != null) {
      return config.transport().advertisedHost();
    }
    InetAddress a = bound.getAddress();
    return a.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : a.getHostAddress();
  }

  /** True from a successful {@link #start()} until {@link #stop()} or {@link #halt()}: the socket is bound. */
  public boolean isRunning() {
    return started && !stopped;
  }

  /** This node's name. */
  public NodeName name() {
    return config.name();
  }

  /** SHA-256 fingerprint of the current Ed25519 public key. */
  public Fingerprint fingerprint() {
    return transport().identity().fingerprint();
  }

  /** The bound UDP address. */
  public InetSocketAddress listenAddress() {
    return transport().boundAddress();
  }

  /** The address registered in discovery for other nodes to dial. */
  public InetSocketAddress advertisedAddress() {
    return advertised;
  }

  /** Peers with an established, authenticated connection. */
  public Set<NodeName> connectedPeers() {
    return transport().connectedPeers();
  }

  /** A snapshot of every established connection. */
  public List<ConnectionInfo> connections() {
    return transport().connections();
  }

  /** Connects to {@code node} if not connected (resolving it through discovery). */
  public CompletableFuture<Void> connect(NodeName node) {
    return transport().connect(node);
  }

  /** Sends a control frame on {@code channel} to {@code node}, connecting on demand. */
  public CompletableFuture<Void> sendControl(NodeName node, int channel, byte[] payload) {
    return transport().sendControl(node, channel, payload);
  }

  /** Listens to control frames on {@code channel}. */
  public void onControl(int channel, ControlListener listener) {
    transport().onControl(channel, listener);
  }

  /** Opens a tagged byte stream to {@code node}, connecting on demand. */
  public CompletableFuture<AppStream> openStream(NodeName node, String tag) {
    return transport().openStream(node, tag);
  }

  /** Registers the acceptor for inbound streams with {@code tag}. */
  public void registerAcceptor(String tag, StreamAcceptor acceptor) {
    transport().registerAcceptor(tag, acceptor);
  }

  /** Subscribes to connection up/down. */
  public void addConnectionListener(ConnectionListener listener) {
    transport().addConnectionListener(listener);
  }

  /** HyParView membership: views, events, join and leave. */
  public Membership membership() {
    requireStarted();
    return membership;
  }

  /** Plumtree broadcast: send to every node, subscribe per topic. */
  public Broadcaster broadcaster() {
    requireStarted();
    return broadcaster;
  }

  /** The cluster-wide service registry. */
  public Registry registry() {
    requireStarted();
    return registry;
  }

  /** Finds services in the cluster and makes proxies that call them. */
  public ServiceLocator services() {
    requireStarted();
    return rpc;
  }

  /** The RPC layer: publications, calls in flight, draining. */
  public RpcEndpoint rpc() {
    requireStarted();
    return rpc;
  }

  /**
   * Publishes {@code implementation} cluster-wide under its interface's fully qualified name: other
   * nodes can call it through {@link ServiceLocator#proxy}. Close the publication to withdraw it.
   */
  public <T> Publication publish(Class<T> serviceInterface, T implementation) {
    return rpc().publish(serviceInterface, implementation);
  }

  /** Publishes with version, tags, weight and attributes in the registration. */
  public <T> Publication publish(Class<T> serviceInterface, T implementation, ServiceMetadata metadata) {
    return rpc().publish(serviceInterface, implementation, metadata);
  }

  /** Publishes under another name than the interface's. */
  public <T> Publication publish(String service, Class<T> serviceInterface, T implementation,
      ServiceMetadata metadata) {
    return rpc().publish(service, serviceInterface, implementation, metadata);
  }

  /**
   * Broadcasts {@code payload} to the subscribers of {@code topic} on every other node. Topics
   * starting with {@code barrel.} belong to barrel-p2p itself.
   */
  public CompletableFuture<MessageId> broadcast(String topic, byte[] payload) {
    return broadcaster().broadcast(userTopic(topic), payload);
  }

  /** Subscribes to broadcasts of {@code topic} from other nodes. */
  public TopicSubscriptions.Subscription subscribe(String topic, BroadcastListener listener) {
    return broadcaster().subscribe(userTopic(topic), listener);
  }

  private static Topic userTopic(String topic) {
    if (topic.startsWith("barrel.")) {
      throw new IllegalArgumentException("broadcast topics starting with 'barrel.' are reserved for barrel-p2p, got '"
          + topic + "'");
    }
    return Topic.of(topic);
  }

  /** The trust store: pins, modes, fingerprints (operator API). */
  public TrustStore trustStore() {
    requireStarted();
    return trustStore;
  }

  /** The discovery chain. */
  public Discovery discovery() {
    requireStarted();
    return discovery;
  }

  /** The transport, for upper layers. */
  public Transport transport() {
    requireStarted();
    return transport;
  }

  /**
   * Replaces the Ed25519 identity without a restart: the next handshake uses the new key. Peers that
   * pinned the old key refuse the new one until their pin is removed.
   */
  public synchronized RotationResult rotateIdentity() {
    requireStarted();
    RotationResult result = identityStore.rotate(config.name());
    transport.identity(result.identity());
    log.warn("identity of {} rotated; new fingerprint {}. Peers that pinned the old key must unpin {}",
        config.name(), result.identity().fingerprint(), config.name());
    return result;
  }

  /** Replaces the QUIC TLS certificate without a restart: the next inbound connection presents it. */
  public synchronized CertificateRotation rotateCertificate() {
    requireStarted();
    CertificateRotation result = tlsStore.rotate(config.name());
    transport.tlsMaterial(result.material());
    log.info("TLS certificate of {} rotated", config.name());
    return result;
  }

  private void requireStarted() {
    if (!started || stopped) {
      throw new IllegalStateException("node " + config.name() + " is " + (stopped ? "stopped" : "not started"));
    }
  }

  /**
   * Unpublishes this node's services, waits for the calls being served (at most
   * {@code rpc.drain-timeout}), leaves the cluster gracefully (neighbours report this node down as
   * graceful, not failed; waits at most {@code leave-timeout}), then closes every connection, unregisters from discovery and
   * releases the socket. Idempotent. A stopped node cannot start again.
   */
  public void stop() {
    stop(config.rpc().drainTimeout());
  }

  /**
   * {@link #stop()} with its own bound on the wait for the calls being served, for a caller that
   * has drained them already within a budget of its own (Spring's lifecycle does): zero cancels
   * whatever is still running at once.
   *
   * @param drainTimeout the most to wait for the calls being served, instead of {@code rpc.drain-timeout}
   */
  public synchronized void stop(Duration drainTimeout) {
    if (drainTimeout == null || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must be zero or positive, got " + drainTimeout);
    }
    if (!started || stopped) {
      return;
    }
    try {
      // Unpublish first, so no caller picks this node while it goes; the deltas leave on the loop
      // ahead of the DISCONNECTs below.
      rpc.unpublishAll().get(config.leaveTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      registry.unregisterAll().get(config.leaveTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("unregistering the services of {} did not finish", config.name(), e);
    }
    try {
      // Then let the calls being served finish (new ones are turned away as overloaded, so their
      // callers retry elsewhere) before the connections go.
      if (!rpc.drain(drainTimeout)) {
        log.warn("{} calls were still running on {} after the drain timeout ({}); they are cancelled",
            rpc.callsBeingServed(), config.name(), drainTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      membership.leave(config.leaveTimeout()).get(config.leaveTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("graceful leave of {} did not finish", config.name(), e);
    }
    try {
      discovery.unregister(config.name());
    } catch (RuntimeException e) {
      log.debug("unregistering {} from discovery failed", config.name(), e);
    }
    halt();
  }

  /**
   * Stops without leaving the cluster, as a crashed process would: neighbours see the connections
   * break and report this node failed, then repair their views; its discovery entry stays, as a
   * crashed node's would. For tests and emergency stops;
   * {@link #stop()} is the normal way out. Idempotent.
   */
  public synchronized void halt() {
    if (!started || stopped) {
      return;
    }
    stopped = true;
    closeLayers();
    dataLock.close(); // last: the directory is free once nothing of this node writes to it
    log.info("node {} stopped", config.name());
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Closes every layer built so far, top down, then the transport (releasing the socket if it was
   * bound), the protocol loop and the executors: for halt() and for a start that failed midway.
   */
  private void closeLayers() {
    // Each in its own try: one that throws must not leave the socket bound or the threads running.
    for (AutoCloseable layer : new AutoCloseable[] {rpc, registry, broadcaster, membership, transport, loop}) {
      if (layer != null) {
        try {
          layer.close();
        } catch (Exception e) {
          log.warn("closing {} of {} failed", layer.getClass().getSimpleName(), config.name(), e);
        }
      }
    }
    shutdownExecutors();
  }

  private void shutdownExecutors() {
    for (ExecutorService e : new ExecutorService[] {ioExecutor, applicationExecutor}) {
      if (e != null) {
        e.shutdown();
        try {
          e.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static ExecutorService boundedPool(String name, int threads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(10_000), daemonThreads(name));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
