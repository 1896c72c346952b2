package io.barrel.p2p.bench;

import java.util.concurrent.Flow;

/** The RPC benchmark's service, as barrel-p2p publishes and calls it: echo, and a server stream. */
public interface EchoService {

  /** Returns {@code payload}. */
  byte[] echo(byte[] payload);

  /** {@code count} items of {@code size} bytes each, within the caller's demand. */
  Flow.Publisher<byte[]> items(int count, int size);
}
