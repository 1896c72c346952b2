package io.barrel.p2p.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.barrel.p2p.NodeName;
import java.util.Arrays;

/**
 * Fuzzes the overlay's route messages: whatever the bytes, decoding fails only with
 * {@link IllegalArgumentException}, whatever decodes encodes back to the same bytes, and a replica
 * handed it on its control channel neither throws nor keeps more than its in-flight cap of searches.
 * Seeds live in {@code RouteCodecFuzzTestInputs/decodeRouteMessages}; how long it fuzzes is set by
 * the build (see barrel-p2p-core/pom.xml).
 */
class RouteCodecFuzzTest {

  private static final NodeName PEER = NodeName.of("a@h");
  private static final RegistryReplica REPLICA = new RegistryReplica(NodeName.of("me@h"), 1,
      ReplicaCluster.CONFIG.withOverlay(OverlayConfig.defaults().withMaxInFlight(8)),
      () -> ReplicaCluster.WALL_EPOCH, new java.util.SplittableRandom(1));

  static {
    REPLICA.onNeighbourUp(PEER, 0);
    REPLICA.onNeighbourUp(NodeName.of("b@h"), 0);
    REPLICA.register(REPLICA.newInstance("svc", ServiceMetadata.EMPTY), 0);
  }

  @FuzzTest
  void decodeRouteMessages(byte[] input) {
    RegistryMessage message;
    try {
      message = RegistryMessage.decode(input);
    } catch (IllegalArgumentException expected) {
      return;
    }
    if (!Arrays.equals(RegistryMessage.encode(message), input)) {
      throw new AssertionError(message + " does not re-encode to its input " + Arrays.toString(input));
    }
    if (message instanceof RegistryMessage.RouteRequest || message instanceof RegistryMessage.RouteReply) {
      REPLICA.onControl(PEER, input, 1);
      if (REPLICA.searchesInFlight() > 8) {
        throw new AssertionError("more searches in flight than the cap: " + REPLICA.searchesInFlight());
      }
    }
  }
}
