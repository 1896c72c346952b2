package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

class ClusterSecretTest {

  private static final byte[] TRANSCRIPT = "a transcript".getBytes(StandardCharsets.US_ASCII);

  @Test
  void proofIsHmacSha256UnderTheScryptKeyOfTheSecretAsDocumented() throws Exception {
    byte[] key = SCrypt.generate("s3cr\u00e9t-value-long-enough".getBytes(StandardCharsets.UTF_8),
        "barrel-p2p/cluster-secret/2".getBytes(StandardCharsets.US_ASCII), 1 << 14, 8, 1, 32);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));

    assertThat(ClusterSecret.of("s3cr\u00e9t-value-long-enough").prove(TRANSCRIPT)).isEqualTo(mac.doFinal(TRANSCRIPT));
  }

  @Test
  void eachSecretIsDerivedOncePerProcess() {
    ClusterSecret first = ClusterSecret.of("derived-once-per-process");

    assertThat(ClusterSecret.of("derived-once-per-process")).isSameAs(first);
    assertThat(ClusterSecret.of("derived-once-per-process!")).isNotSameAs(first);
  }

  @Test
  void proofVerifiesOnlyUnderTheSameSecretAndTranscript() {
    ClusterSecret ours = ClusterSecret.of("one-secret-of-sixteen");
    byte[] proof = ours.prove(TRANSCRIPT);

    assertThat(proof).hasSize(32);
    assertThat(ClusterSecret.of("one-secret-of-sixteen").verifies(TRANSCRIPT, proof)).isTrue();
    assertThat(ClusterSecret.of("another-secret-sixteen").verifies(TRANSCRIPT, proof)).isFalse();
    assertThat(ours.verifies("another transcript".getBytes(StandardCharsets.US_ASCII), proof)).isFalse();
    assertThat(ours.verifies(TRANSCRIPT, null)).isFalse();
    assertThat(ours.verifies(TRANSCRIPT, new byte[31])).isFalse();
  }

  @Test
  void toStringRevealsNothing() {
    assertThat(ClusterSecret.of("do-not-print-me-please")).hasToString("ClusterSecret[redacted]");
  }
}
