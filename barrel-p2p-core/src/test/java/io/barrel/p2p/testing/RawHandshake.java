package io.barrel.p2p.testing;

import io.barrel.p2p.NodeName;
import io.barrel.p2p.identity.Fingerprint;
import io.barrel.p2p.identity.NodeIdentity;
import io.barrel.p2p.identity.TrustVerdict;
import io.barrel.p2p.transport.StreamHeader;
import io.barrel.p2p.transport.StreamHeaderCodec;
import io.barrel.p2p.transport.auth.AuthEffect;
import io.barrel.p2p.transport.auth.AuthFrame;
import io.barrel.p2p.transport.auth.AuthFrameCodec;
import io.barrel.p2p.transport.auth.AuthFrameReader;
import io.barrel.p2p.transport.auth.AuthHandshake;
import io.barrel.p2p.transport.auth.ClusterSecret;
import io.barrel.p2p.transport.auth.HandshakeRole;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the client side of the real handshake over a {@link RawQuic} connection, recording every byte
 * it sends, so tests can replay them or carry on misbehaving after a genuine authentication.
 */
public final class RawHandshake {

  private RawHandshake() {}

  /** What a client-side run produced. */
  public record Result(boolean authenticated, byte[] sentBytes, RawQuic.RawStream stream) {}

  /** Authenticates {@code identity} to the node behind {@code raw} (expected to be {@code server}). */
  public static Result run(RawQuic raw, NodeIdentity identity, NodeName server) throws Exception {
    return run(raw, identity, server, frame -> frame, null);
  }

  /**
   * Like {@link #run(RawQuic, NodeIdentity, NodeName)}, but every frame the client sends first goes
   * through {@code tamper}, and as soon as the RESPONSE is written a new stream carrying
   * {@code streamAfterResponse} (when not null) is opened, as an eager dialer would.
   */
  public static Result run(RawQuic raw, NodeIdentity identity, NodeName server,
      java.util.function.UnaryOperator<AuthFrame> tamper, byte[] streamAfterResponse) throws Exception {
    byte[] binding = Fingerprint.sha256(raw.serverCertificate().getEncoded());
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    AuthHandshake hs = new AuthHandshake(HandshakeRole.CLIENT, identity, System.currentTimeMillis(), binding, server,
        TestNodes.auth(), ClusterSecret.of(TestNodes.auth().clusterSecret()), (p, k) -> TrustVerdict.FIRST_USE, nonce);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    sent.write(StreamHeaderCodec.encode(new StreamHeader.Auth()));
    List<AuthEffect> effects = hs.start(System.nanoTime(), System.currentTimeMillis());
    writeSends(effects, sent, tamper);
    RawQuic.RawStream stream = raw.openStream(sent.toByteArray());
    int flushed = sent.size();
    AuthFrameReader reader = new AuthFrameReader();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!hs.isDone() && System.nanoTime() < deadline) {
      byte[] chunk = stream.received().poll(100, TimeUnit.MILLISECONDS);
      if (chunk == null) {
        continue;
      }
      for (AuthFrame frame : reader.feed(chunk, 0, chunk.length)) {
        effects = hs.onFrame(frame, System.nanoTime(), System.currentTimeMillis());
        writeSends(effects, sent, tamper);
      }
      if (sent.size() > flushed) {
        byte[] all = sent.toByteArray();
        stream.write(java.util.Arrays.copyOfRange(all, flushed, all.length));
        flushed = all.length;
        if (streamAfterResponse != null && hs.failure().isEmpty()) {
          raw.openStream(streamAfterResponse);
          streamAfterResponse = null;
        }
      }
    }
    // Authenticated means both sides accepted: the server's OK came, not only its proof.
    return new Result(hs.isDone() && hs.failure().isEmpty(), sent.toByteArray(), stream);
  }

  private static void writeSends(List<AuthEffect> effects, ByteArrayOutputStream out,
      java.util.function.UnaryOperator<AuthFrame> tamper) {
    for (AuthEffect e : effects) {
      if (e instanceof AuthEffect.Send s) {
        out.writeBytes(AuthFrameCodec.encode(tamper.apply(s.frame())));
      }
    }
  }
}
