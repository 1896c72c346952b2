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
    byte[] binding = Fingerprint.sha256(raw.serverCertificate().getEncoded());
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    AuthHandshake hs = new AuthHandshake(HandshakeRole.CLIENT, identity, binding, server,
        TestNodes.auth(), (p, k) -> TrustVerdict.FIRST_USE, nonce);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    sent.write(StreamHeaderCodec.encode(new StreamHeader.Auth()));
    List<AuthEffect> effects = hs.start(System.nanoTime(), System.currentTimeMillis());
    writeSends(effects, sent);
    RawQuic.RawStream stream = raw.openStream(sent.toByteArray());
    int flushed = sent.size();
    AuthFrameReader reader = new AuthFrameReader();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean ok = false;
    while (!hs.isDone() && System.nanoTime() < deadline) {
      byte[] chunk = stream.received().poll(100, TimeUnit.MILLISECONDS);
      if (chunk == null) {
        continue;
      }
      for (AuthFrame frame : reader.feed(chunk, 0, chunk.length)) {
        effects = hs.onFrame(frame, System.nanoTime(), System.currentTimeMillis());
        writeSends(effects, sent);
        ok |= effects.stream().anyMatch(e -> e instanceof AuthEffect.Authenticated);
      }
      if (sent.size() > flushed) {
        byte[] all = sent.toByteArray();
        stream.write(java.util.Arrays.copyOfRange(all, flushed, all.length));
        flushed = all.length;
      }
    }
    return new Result(ok, sent.toByteArray(), stream);
  }

  private static void writeSends(List<AuthEffect> effects, ByteArrayOutputStream out) {
    for (AuthEffect e : effects) {
      if (e instanceof AuthEffect.Send s) {
        out.writeBytes(AuthFrameCodec.encode(s.frame()));
      }
    }
  }
}
