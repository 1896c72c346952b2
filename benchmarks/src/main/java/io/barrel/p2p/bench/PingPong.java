package io.barrel.p2p.bench;

import java.util.concurrent.CompletableFuture;

/**
 * The client half of an echo round-trip test, independent of the transport: send one message,
 * wait for as many bytes to come back, record the round trip, send the next. Driven entirely from
 * the transport's receive callback, so no extra thread hand-off is measured on top of what the
 * transport itself does. Not thread-safe beyond that one callback thread at a time.
 */
abstract class PingPong {

  final byte[] message;
  private long received;
  private long sentAt;
  private int remaining;
  private Samples samples;
  private CompletableFuture<Void> done;

  PingPong(int size) {
    message = new byte[size];
    for (int i = 0; i < size; i++) {
      message[i] = (byte) i;
    }
  }

  /** Sends {@link #message} (the array is never modified, so it may be shared by writes). */
  abstract void send();

  /** Runs {@code n} round trips; records them into {@code into} unless null. */
  CompletableFuture<Void> run(int n, Samples into) {
    synchronized (this) {
      remaining = n;
      samples = into;
      received = 0;
      done = new CompletableFuture<>();
      sentAt = System.nanoTime();
    }
    send();
    return done;
  }

  /** Called by the transport with every chunk that arrives. */
  final void onBytes(int n) {
    boolean again;
    synchronized (this) {
      received += n;
      if (received < message.length) {
        return;
      }
      long now = System.nanoTime();
      received -= message.length;
      if (samples != null) {
        samples.add(now - sentAt);
      }
      again = --remaining > 0;
      if (again) {
        sentAt = System.nanoTime();
      }
    }
    if (again) {
      send();
    } else {
      done.complete(null);
    }
  }
}
