package io.barrel.p2p.registry;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.barrel.p2p.crdt.CrdtDecodeException;
import java.util.Arrays;

/**
 * Fuzzes the registry's own decoders: the message envelope and the service instance values inside
 * deltas. Whatever the bytes, the only failures are the declared ones, and whatever decodes encodes
 * back to the same bytes (one encoding per value, which replicas rely on).
 */
class RegistryMessageFuzzTest {

  private static final ServiceInstanceCodec VALUES = new ServiceInstanceCodec();

  @FuzzTest
  void decodeMessagesAndInstances(byte[] input) {
    try {
      RegistryMessage message = RegistryMessage.decode(input);
      if (!Arrays.equals(RegistryMessage.encode(message), input)) {
        throw new AssertionError(message + " does not re-encode to its input");
      }
    } catch (IllegalArgumentException expected) {
      // refused, as it should be
    }
    try {
      ServiceInstance instance = VALUES.decode(input);
      if (!Arrays.equals(VALUES.encode(instance), input)) {
        throw new AssertionError(instance + " does not re-encode to its input");
      }
    } catch (CrdtDecodeException expected) {
      // refused, as it should be
    }
  }
}
