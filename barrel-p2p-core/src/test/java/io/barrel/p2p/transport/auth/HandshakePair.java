package io.barrel.p2p.transport.auth;

import java.util.function.BiConsumer;

/**
 * A client and a server wired back to back in memory. {@link #run()} carries bytes across, one
 * frame at a time and client first, until neither side has anything left to say.
 */
final class HandshakePair {

  final Endpoint client;
  final Endpoint server;
  private BiConsumer<Endpoint, AuthFrame> beforeDelivery = (to, frame) -> {};

  HandshakePair(Endpoint client, Endpoint server) {
    this.client = client;
    this.server = server;
  }

  /** Runs {@code hook} just before each frame reaches its receiver, e.g. to move its clock. */
  HandshakePair beforeDelivery(BiConsumer<Endpoint, AuthFrame> hook) {
    this.beforeDelivery = hook;
    return this;
  }

  HandshakePair run() {
    client.start();
    server.start();
    while (deliverOne(client, server) || deliverOne(server, client)) {
      // keep carrying frames until both outboxes are empty
    }
    return this;
  }

  private boolean deliverOne(Endpoint from, Endpoint to) {
    byte[] bytes = from.outbox.poll();
    if (bytes == null) {
      return false;
    }
    try {
      beforeDelivery.accept(to, AuthFrameCodec.decode(java.util.Arrays.copyOfRange(bytes, 2, bytes.length)));
    } catch (AuthDecodeException e) {
      throw new AssertionError("a machine sent a frame the codec cannot read", e);
    }
    to.receiveBytes(bytes);
    return true;
  }
}
