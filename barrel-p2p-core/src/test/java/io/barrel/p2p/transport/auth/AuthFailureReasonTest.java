package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AuthFailureReasonTest {

  @Test
  void wireCodesAreUniqueAndFitInAByte() {
    assertThat(Arrays.stream(AuthFailureReason.values()).map(AuthFailureReason::wireCode))
        .doesNotHaveDuplicates().allMatch(code -> code >= 1 && code <= 255);
  }

  @Test
  void wireCodesAreStable() {
    // Peers of other releases read these numbers: changing one is a protocol change.
    assertThat(AuthFailureReason.UNSUPPORTED_VERSION.wireCode()).isEqualTo(1);
    assertThat(AuthFailureReason.KEY_MISMATCH.wireCode()).isEqualTo(6);
    assertThat(AuthFailureReason.CLUSTER_SECRET_MISMATCH.wireCode()).isEqualTo(11);
    assertThat(AuthFailureReason.INTERNAL.wireCode()).isEqualTo(18);
  }

  @Test
  void everyCodeReadsBackAsItsReason() {
    for (AuthFailureReason reason : AuthFailureReason.values()) {
      assertThat(AuthFailureReason.fromWireCode(reason.wireCode())).isEqualTo(reason);
      assertThat(AuthFailureReason.isKnownWireCode(reason.wireCode())).isTrue();
    }
  }

  @Test
  void unknownCodesReadAsAGenericRejection() {
    assertThat(AuthFailureReason.fromWireCode(0)).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(AuthFailureReason.fromWireCode(200)).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(AuthFailureReason.fromWireCode(-1)).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(AuthFailureReason.fromWireCode(1000)).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
  }

  @Test
  void metricTagsAreSnakeCase() {
    assertThat(AuthFailureReason.CHANNEL_BINDING_UNAVAILABLE.metricTag()).isEqualTo("channel_binding_unavailable");
    assertThat(Arrays.stream(AuthFailureReason.values()).map(AuthFailureReason::metricTag))
        .allMatch(tag -> tag.matches("[a-z]+(_[a-z]+)*"));
  }

  @Test
  void everyReasonTellsTheOperatorWhatToDo() {
    assertThat(Arrays.stream(AuthFailureReason.values()).map(AuthFailureReason::hint))
        .allMatch(hint -> hint.length() > 40).doesNotHaveDuplicates();
  }

  @Test
  void failureMessageCombinesDetailAndHint() {
    AuthFailure failure = new AuthFailure(AuthFailureReason.TIMESTAMP_SKEW, "clocks 40 s apart");

    assertThat(failure.message()).startsWith("clocks 40 s apart; ").endsWith(AuthFailureReason.TIMESTAMP_SKEW.hint());
    assertThat(new AuthenticationException(failure)).hasMessage(failure.message())
        .extracting(AuthenticationException::failure).isEqualTo(failure);
  }

  @Test
  void rejectionByThePeerAdvisesOnThePeersReason() {
    AuthFailure failure = AuthFailure.rejectedByPeer(AuthFailureReason.UNTRUSTED_KEY, "no pin for a@b");

    assertThat(failure.reason()).isEqualTo(AuthFailureReason.REJECTED_BY_PEER);
    assertThat(failure.reasonGivenByPeer()).contains(AuthFailureReason.UNTRUSTED_KEY);
    assertThat(failure.message()).contains("untrusted_key: no pin for a@b", AuthFailureReason.UNTRUSTED_KEY.hint());
  }
}
