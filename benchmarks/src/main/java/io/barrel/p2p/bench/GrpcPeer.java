package io.barrel.p2p.bench;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.tls.SelfSignedCertificate;
import io.barrel.p2p.tls.TlsMaterial;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSsl;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The RPC benchmark's peer: gRPC-java on Netty (grpc-netty-shaded: HTTP/2 over TCP, TLS 1.3 from
 * its bundled BoringSSL, epoll), with a self-signed P-256 certificate made as a barrel node makes
 * its QUIC one and no client authentication.
 *
 * <p>The service is defined by hand, without protoc: two methods whose messages are plain
 * {@code byte[]} passed through a marshaller that copies nothing it does not have to. Neither side
 * then pays for protobuf, so gRPC is measured at its best; barrel-p2p still encodes its arguments
 * and results with CBOR. One event-loop thread on each side (a barrel node has one) and gRPC's
 * default executors for service methods and client callbacks (barrel also runs both off the event
 * loop). The blocking stub keeps gRPC's own optimisation of running the answer on the calling thread.
 */
final class GrpcPeer implements AutoCloseable {

  static final String SERVICE = "bench.Echo";

  /** {@code byte[]} messages as they are: gRPC frames them, nothing encodes them. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** Unary echo: the answer is the request. */
  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Echo"))
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  /** Server stream: the request is (count i32, size i32); the answer is count items of size bytes. */
  static final MethodDescriptor<byte[], byte[]> ITEMS = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
      .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Items"))
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  private final boolean epoll = Epoll.isAvailable();
  private final EventLoopGroup serverGroup;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup clientGroup;
  private final Server server;
  private final ManagedChannel channel;

  private final boolean direct;

  /**
   * @param direct run service methods and client callbacks on the event loops ({@code
   *     directExecutor()}, gRPC's fastest and least safe setting) instead of gRPC's default executors
   */
  GrpcPeer(boolean direct) throws Exception {
    this.direct = direct;
    TlsMaterial tls = SelfSignedCertificate.generate(NodeName.of("grpc-peer@127.0.0.1"), Clock.systemUTC());
    bossGroup = group(1, "grpc-boss");
    serverGroup = group(1, "grpc-server");
    clientGroup = group(1, "grpc-client");
    ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> out) -> {
          out.onNext(request);
          out.onCompleted();
        }))
        .addMethod(ITEMS, ServerCalls.asyncServerStreamingCall(GrpcPeer::items))
        .build();
    NettyServerBuilder serverBuilder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    if (direct) {
      serverBuilder.directExecutor();
    }
    server = serverBuilder
        .bossEventLoopGroup(bossGroup)
        .workerEventLoopGroup(serverGroup)
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(tls.privateKey(), tls.certificate()),
            SslProvider.OPENSSL).protocols("TLSv1.3").build())
        .addService(service)
        .build()
        .start();
    InetSocketAddress address = (InetSocketAddress) server.getListenSockets().get(0);
    NettyChannelBuilder channelBuilder = NettyChannelBuilder.forAddress(address);
    if (direct) {
      channelBuilder.directExecutor();
    }
    channel = channelBuilder
        .eventLoopGroup(clientGroup)
        .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.OPENSSL)
            .protocols("TLSv1.3")
            // Benchmark peer on loopback only, never shipped: it measures the RPC stack, not identity.
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build())
        .overrideAuthority("localhost")
        .build();
  }

  private EventLoopGroup group(int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
  }

  /** Emits the requested items while the transport is ready for more, resuming on readiness. */
  private static void items(byte[] request, StreamObserver<byte[]> out) {
    ByteBuffer req = ByteBuffer.wrap(request);
    int count = req.getInt();
    byte[] item = new byte[req.getInt()];
    ServerCallStreamObserver<byte[]> server = (ServerCallStreamObserver<byte[]>) out;
    int[] sent = {0};
    // Runs on the call's serialized executor: once now, then every time the stream turns ready again.
    Runnable pump = () -> {
      while (sent[0] < count && server.isReady()) {
        server.onNext(item);
        sent[0]++;
      }
      if (sent[0] == count) {
        sent[0]++; // complete once
        server.onCompleted();
      }
    };
    server.setOnReadyHandler(pump);
    pump.run();
  }

  /** "grpc-java 1.x, epoll, BoringSSL ...". */
  String describe() {
    return "gRPC-java " + io.grpc.ServerBuilder.class.getPackage().getImplementationVersion() + " (grpc-netty-shaded, "
        + (epoll ? "epoll" : "nio") + ") + TLS 1.3, " + OpenSsl.versionString() + ", byte[] marshaller, no protobuf, " + (direct ? "directExecutor()" : "default executors");
  }

  /** Waits until the channel is connected (TLS done) by making one call. */
  void warmConnect() {
    echoBlocking(new byte[1]);
  }

  byte[] echoBlocking(byte[] request) {
    return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, request);
  }

  void echoAsync(byte[] request, StreamObserver<byte[]> answer) {
    ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), request, answer);
  }

  void items(int count, int size, StreamObserver<byte[]> items) {
    byte[] request = ByteBuffer.allocate(8).putInt(count).putInt(size).array();
    ClientCalls.asyncServerStreamingCall(channel.newCall(ITEMS, CallOptions.DEFAULT), request, items);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
