package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrel.p2p.identity.Fingerprint;
import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClusterSecretTest {

  private static final byte[] TRANSCRIPT = "a transcript".getBytes(StandardCharsets.US_ASCII);

  @Test
  void proofIsHmacSha256UnderTheHashOfThePrefixedSecret() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Fingerprint.sha256("barrel-p2p/cluster-secret/1s3cr\u00e9t-value-long-enough"
        .getBytes(StandardCharsets.UTF_8)), "HmacSHA256"));

    assertThat(new ClusterSecret("s3cr\u00e9t-value-long-enough").prove(TRANSCRIPT)).isEqualTo(mac.doFinal(TRANSCRIPT));
  }

  @Test
  void proofVerifiesOnlyUnderTheSameSecretAndTranscript() {
    ClusterSecret ours = new ClusterSecret("one-secret-of-sixteen");
    byte[] proof = ours.prove(TRANSCRIPT);

    assertThat(proof).hasSize(32);
    assertThat(new ClusterSecret("one-secret-of-sixteen").verifies(TRANSCRIPT, proof)).isTrue();
    assertThat(new ClusterSecret("another-secret-sixteen").verifies(TRANSCRIPT, proof)).isFalse();
    assertThat(ours.verifies("another transcript".getBytes(StandardCharsets.US_ASCII), proof)).isFalse();
    assertThat(ours.verifies(TRANSCRIPT, null)).isFalse();
    assertThat(ours.verifies(TRANSCRIPT, new byte[31])).isFalse();
  }

  @Test
  void toStringRevealsNothing() {
    assertThat(new ClusterSecret("do-not-print-me-please")).hasToString("ClusterSecret[redacted]");
  }
}
