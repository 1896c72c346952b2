package io.barrel.p2p.bench;

import io.barrel.p2p.identity.Ed25519;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 sign and verify of a handshake-sized message (104 bytes), BouncyCastle's lightweight API as
 * the project uses it next to the JDK's own "Ed25519" provider, measured in the same run. The
 * handshake does one sign and one verify per side, so these set its CPU cost.
 *
 * <p>Run: {@code ./mvnw -pl benchmarks exec:exec -Djmh.args='Ed25519Benchmark -f 1 -wi 3 -i 5 -w 1s -r 2s'}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Ed25519Benchmark {

  /** Size of the signed part of a handshake message: what the auth protocol signs. */
  static final int MESSAGE_SIZE = 104;

  private byte[] message;
  private byte[] seed;
  private byte[] publicKey;
  private byte[] bcSignature;

  private KeyPair jdkKeys;
  private Signature jdkSigner;
  private Signature jdkVerifier;
  private byte[] jdkSignature;

  /** Keys and signatures are made once; the benchmarks measure only sign or verify. */
  @Setup
  public void setUp() throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    message = new byte[MESSAGE_SIZE];
    random.nextBytes(message);

    seed = Ed25519.generateSeed(random);
    publicKey = Ed25519.publicKeyOf(seed);
    bcSignature = Ed25519.sign(seed, message);

    jdkKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    jdkSigner = Signature.getInstance("Ed25519");
    jdkVerifier = Signature.getInstance("Ed25519");
    jdkSigner.initSign(jdkKeys.getPrivate());
    jdkSigner.update(message);
    jdkSignature = jdkSigner.sign();

    if (!Ed25519.verify(publicKey, message, bcSignature) || !jdkVerify()) {
      throw new IllegalStateException("a signature made in setup does not verify; the benchmark would be meaningless");
    }
  }

  /** BouncyCastle sign, as {@code NodeIdentity.sign} does it. */
  @Benchmark
  public byte[] bouncyCastleSign() {
    return Ed25519.sign(seed, message);
  }

  /** BouncyCastle verify, as the handshake checks a peer's signature. */
  @Benchmark
  public boolean bouncyCastleVerify() {
    return Ed25519.verify(publicKey, message, bcSignature);
  }

  /** The JDK provider's sign (the Signature object is reused, as a careful caller would). */
  @Benchmark
  public byte[] jdkSign() throws GeneralSecurityException {
    jdkSigner.initSign(jdkKeys.getPrivate());
    jdkSigner.update(message);
    return jdkSigner.sign();
  }

  /** The JDK provider's verify. */
  @Benchmark
  public boolean jdkVerify() throws GeneralSecurityException {
    jdkVerifier.initVerify(jdkKeys.getPublic());
    jdkVerifier.update(message);
    return jdkVerifier.verify(jdkSignature);
  }
}
