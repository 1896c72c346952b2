package io.barrel.p2p.transport;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * QUIC address validation (RFC 9000 §8.1): a new client first gets a Retry carrying a token that
 * only this node can mint, bound to the client's address and valid briefly; only a client that
 * echoes it gets a connection. This keeps handshake state and CPU from being spent on forged
 * sources, for one extra round trip.
 *
 * <p>Asked only under load: while fewer than the configured threshold of inbound handshakes are
 * unfinished, a new client is served at once, as RFC 9000 §8.1.2 allows; QUIC's anti-amplification
 * limit (three times what the client sent, until its address is validated) still keeps the node
 * from being used as an amplifier. A flood of forged sources leaves its handshakes unfinished, so
 * it reaches the threshold within a few packets, and from then on every new client must echo a
 * token first. A valid token is always accepted. Threshold 0 asks every client.
 *
 * <pre>
 * token = issued-at millis (u64 BE) ‖ HMAC-SHA256(key, issued-at ‖ ip ‖ port ‖ dcid)[0..16) ‖ dcid
 * </pre>
 * The key is random per process: tokens do not survive a restart, which only costs a retry.
 */
final class RetryTokens implements QuicTokenHandler {

  private static final int TIME_BYTES = 8;
  private static final int MAC_BYTES = 16;
  private static final int MAX_CID = 20;
  /** How long a Retry token may take to come back. */
  private static final long VALID_MILLIS = 10_000;

  private final SecretKeySpec key;
  private final IntSupplier unfinishedHandshakes;
  private final int threshold;
  private final Runnable retrySent;

  /**
   * @param unfinishedHandshakes how many inbound handshakes are under way now
   * @param threshold from how many of them on a Retry is asked (0: always)
   * @param retrySent told of every Retry sent, for the metric
   */
  RetryTokens(IntSupplier unfinishedHandshakes, int threshold, Runnable retrySent) {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "HmacSHA256");
    this.unfinishedHandshakes = unfinishedHandshakes;
    this.threshold = threshold;
    this.retrySent = retrySent;
  }

  /** True when a new client without a token must pass a Retry first. */
  boolean retryNeeded() {
    return unfinishedHandshakes.getAsInt() >= threshold;
  }

  /** Called for a client's Initial without a token; false lets it in without a Retry. */
  @Override
  public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
    if (!retryNeeded()) {
      return false;
    }
    long now = System.currentTimeMillis();
    byte[] id = new byte[dcid.readableBytes()];
    dcid.getBytes(dcid.readerIndex(), id);
    out.writeLong(now);
    out.writeBytes(mac(now, address, id));
    out.writeBytes(id);
    retrySent.run();
    return true;
  }

  @Override
  public int validateToken(ByteBuf token, InetSocketAddress address) {
    int length = token.readableBytes();
    if (length < TIME_BYTES + MAC_BYTES || length > TIME_BYTES + MAC_BYTES + MAX_CID) {
      return -1;
    }
    int start = token.readerIndex();
    long issued = token.getLong(start);
    long age = System.currentTimeMillis() - issued;
    if (age < 0 || age > VALID_MILLIS) {
      return -1;
    }
    byte[] presented = new byte[MAC_BYTES];
    token.getBytes(start + TIME_BYTES, presented);
    byte[] id = new byte[length - TIME_BYTES - MAC_BYTES];
    token.getBytes(start + TIME_BYTES + MAC_BYTES, id);
    if (!MessageDigest.isEqual(presented, mac(issued, address, id))) {
      return -1;
    }
    return TIME_BYTES + MAC_BYTES; // where the original destination connection id starts
  }

  @Override
  public int maxTokenLength() {
    return TIME_BYTES + MAC_BYTES + MAX_CID;
  }

  private byte[] mac(long issued, InetSocketAddress address, byte[] dcid) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (int i = 7; i >= 0; i--) {
        mac.update((byte) (issued >>> (i * 8)));
      }
      mac.update(address.getAddress().getAddress());
      mac.update((byte) (address.getPort() >>> 8));
      mac.update((byte) address.getPort());
      mac.update(dcid);
      byte[] full = mac.doFinal();
      byte[] out = new byte[MAC_BYTES];
      System.arraycopy(full, 0, out, 0, MAC_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
