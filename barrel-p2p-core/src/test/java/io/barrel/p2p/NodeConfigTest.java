package io.barrel.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.broadcast.BroadcastCodec;
import io.barrel.p2p.broadcast.PlumtreeConfig;
import io.barrel.p2p.crdt.CrdtConfig;
import io.barrel.p2p.membership.MembershipCodec;
import io.barrel.p2p.membership.MembershipConfig;
import io.barrel.p2p.registry.RegistryConfig;
import io.barrel.p2p.rpc.RpcConfig;
import io.barrel.p2p.transport.TransportConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's settings are refused at start-up when one layer's largest message would not fit the frame carrying it. */
class NodeConfigTest {

  @TempDir
  Path dir;

  private NodeConfig.Builder node() {
    return NodeConfig.builder("a@localhost").dataDirectory(dir);
  }

  @Test
  void theDefaultsLeaveEveryLayerRoomInItsFrame() {
    NodeConfig config = node().build();
    int frame = config.transport().maxControlFrameBytes();
    assertThat(BroadcastCodec.of(config.broadcast()).maxEncodedSize()).isLessThanOrEqualTo(frame);
    assertThat(config.registry().largestControlBytes()).isLessThanOrEqualTo(frame);
    assertThat(config.registry().largestBroadcastBytes()).isLessThanOrEqualTo(config.broadcast().maxPayloadBytes());
  }

  @Test
  void broadcastPayloadsLargerThanAControlFrameAreRefused() {
    PlumtreeConfig big = PlumtreeConfig.defaults().withMaxPayloadBytes(2 * 1024 * 1024);
    assertThatThrownBy(() -> node().broadcast(big).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.broadcast.max-payload-bytes (2097152)")
        .hasMessageContaining("barrel.p2p.transport.max-control-frame-bytes (1048576)");
    // the same payload limit is fine once the frame can carry it
    int needed = BroadcastCodec.of(big).maxEncodedSize();
    assertThat(node().broadcast(big).transport(TransportConfig.defaults().withMaxControlFrameBytes(needed)).build()
        .broadcast().maxPayloadBytes()).isEqualTo(2 * 1024 * 1024);
  }

  @Test
  void anIHaveBatchThatCanOutgrowAControlFrameIsRefused() {
    // 4096 announcements naming 255-character origins are about 1.1 MiB
    PlumtreeConfig batches = PlumtreeConfig.defaults().withIHaveBatching(
        PlumtreeConfig.defaults().ihaveFlushInterval(), PlumtreeConfig.MAX_IHAVE_BATCH_LIMIT);
    assertThatThrownBy(() -> node().broadcast(batches).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-ihave-batch (4096)");
  }

  @Test
  void shufflesLargerThanAControlFrameAreRefused() {
    TransportConfig small = TransportConfig.defaults().withMaxControlFrameBytes(2048);
    // the default shuffle: the node and 3 + 4 peers, 8 names of up to 255 characters
    assertThat(MembershipCodec.maxShuffleBytes(8)).isGreaterThan(2048);
    assertThatThrownBy(() -> node().transport(small).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shuffle-active and shuffle-passive make shuffles of 8 names")
        .hasMessageContaining("raise it to at least " + MembershipCodec.maxShuffleBytes(8));
    // 6 names fit: what is refused next is the broadcast layer's 256 KiB payloads
    MembershipConfig fewer = MembershipConfig.builder().shuffleActive(2).shufflePassive(3).build();
    assertThat(MembershipCodec.maxShuffleBytes(6)).isLessThanOrEqualTo(2048);
    assertThatThrownBy(() -> node().transport(small).membership(fewer).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("shuffle")
        .hasMessageContaining("barrel.p2p.broadcast.max-payload-bytes");
  }

  @Test
  void registryDigestsAndChunksLargerThanAControlFrameAreRefused() {
    RegistryConfig registry = RegistryConfig.defaults().withCrdt(withTotalBytes(1024 * 1024));
    PlumtreeConfig payloads = PlumtreeConfig.defaults().withMaxPayloadBytes(1024 * 1024 + 64);
    TransportConfig frames = TransportConfig.defaults()
        .withMaxControlFrameBytes(BroadcastCodec.of(payloads).maxEncodedSize());
    assertThatThrownBy(() -> node().registry(registry).broadcast(payloads).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.broadcast.max-payload-bytes");
    assertThat(node().registry(registry).broadcast(payloads).transport(frames).build().registry().largestControlBytes())
        .isEqualTo(1024 * 1024 + 10);
    TransportConfig justTooSmall = TransportConfig.defaults().withMaxControlFrameBytes(1024 * 1024 + 9);
    PlumtreeConfig fitting = PlumtreeConfig.defaults().withMaxPayloadBytes(1024 * 1024 + 9 - 400);
    assertThatThrownBy(() -> node().registry(RegistryConfig.defaults().withCrdt(withTotalBytes(1024 * 1024)))
        .broadcast(fitting).transport(justTooSmall).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.registry.crdt.max-total-bytes (1048576) and max-value-bytes (16384) make registry"
            + " digests, anti-entropy chunks and overlay route replies of up to 1048586 bytes");
  }

  @Test
  void callsInFlightPerPeerMustStayBelowTheStreamsAPeerGrants() {
    int streams = (int) TransportConfig.defaults().maxStreams();

    assertThatThrownBy(() -> node().rpc(RpcConfig.defaults().withPerPeer(streams, 64)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("barrel.p2p.rpc.max-in-flight-per-peer (" + streams + ")")
        .hasMessageContaining("must be below barrel.p2p.transport.max-streams (" + streams + ")");
    assertThat(node().rpc(RpcConfig.defaults().withPerPeer(streams - 1, 64)).build().rpc().maxInFlightPerPeer())
        .isEqualTo(streams - 1);
  }

  @Test
  void overlayRouteRepliesLargerThanAControlFrameAreRefused() {
    // deltas and digests of at most 20 KiB, but a route reply naming 32 visited nodes of 255
    // characters and carrying a 16 KiB instance takes about 24.6 KiB
    RegistryConfig registry = RegistryConfig.defaults().withCrdt(withTotalBytes(20 * 1024));
    int reply = registry.largestControlBytes();
    assertThat(reply).isGreaterThan(20 * 1024 + 10).isEqualTo(1 + 8 + 256 + 1 + (1 + 32 * 256) + 2 + 16 * 1024);
    // small IHAVE batches too, so that broadcast messages also fit a 22 KiB frame
    PlumtreeConfig payloads = PlumtreeConfig.defaults().withMaxPayloadBytes(20 * 1024 + 9)
        .withIHaveBatching(PlumtreeConfig.defaults().ihaveFlushInterval(), 32);
    TransportConfig digestsFit = TransportConfig.defaults()
        .withMaxControlFrameBytes(Math.max(22 * 1024, BroadcastCodec.of(payloads).maxEncodedSize()));
    assertThat(digestsFit.maxControlFrameBytes()).isLessThan(reply);
    assertThatThrownBy(() -> node().registry(registry).broadcast(payloads).transport(digestsFit).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlay route replies of up to " + reply + " bytes")
        .hasMessageContaining("raise it to at least " + reply);
    assertThat(node().registry(registry).broadcast(payloads)
        .transport(TransportConfig.defaults().withMaxControlFrameBytes(reply)).build().registry().largestControlBytes())
        .isEqualTo(reply);
  }

  @Test
  void registryDeltasLargerThanABroadcastPayloadAreRefused() {
    RegistryConfig registry = RegistryConfig.defaults().withCrdt(withTotalBytes(256 * 1024));
    assertThatThrownBy(() -> node().registry(registry).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("makes registry deltas of up to 262153 bytes")
        .hasMessageContaining("lower max-total-bytes to 262135 or less");
  }

  private static CrdtConfig withTotalBytes(int total) {
    CrdtConfig d = RegistryConfig.defaults().crdt();
    return d.withLimits(d.maxEntries(), d.maxKeyBytes(), d.maxValueBytes(), total, d.maxContextRanges(),
        d.maxNodes());
  }
}
