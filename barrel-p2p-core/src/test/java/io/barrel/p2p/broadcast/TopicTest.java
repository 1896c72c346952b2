package io.barrel.p2p.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TopicTest {

  @Test
  void shortNamesOfTheAllowedCharactersAreTopics() {
    assertThat(Topic.of("registry").name()).isEqualTo("registry");
    assertThat(Topic.of("app.orders:v1/eu-west_2").toString()).isEqualTo("app.orders:v1/eu-west_2");
    assertThat(Topic.of("t".repeat(Topic.MAX_LENGTH)).toBytes()).hasSize(Topic.MAX_LENGTH);
  }

  @Test
  void emptyTopicIsRefused() {
    assertThatThrownBy(() -> Topic.of("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void topicOverTheLengthLimitIsRefused() {
    assertThatThrownBy(() -> Topic.of("t".repeat(Topic.MAX_LENGTH + 1))).hasMessageContaining("longer than 64");
  }

  @Test
  void topicWithSpacesOrControlCharactersIsRefusedAndShownPrintably() {
    assertThatThrownBy(() -> Topic.of("a b")).hasMessageContaining("' ' is not allowed");
    assertThatThrownBy(() -> Topic.of("a\nb")).hasMessageContaining("\\u000a");
    assertThatThrownBy(() -> Topic.of("caf\u00e9")).hasMessageContaining("\\u00e9");
  }

  @Test
  void wireBytesParseOnlyWhenTheyFollowTheRules() {
    assertThat(Topic.tryParse("ok.topic".getBytes(StandardCharsets.US_ASCII))).contains(Topic.of("ok.topic"));
    assertThat(Topic.tryParse(new byte[0])).isEmpty();
    assertThat(Topic.tryParse(new byte[] {'a', (byte) 0xe9})).isEmpty();
    assertThat(Topic.tryParse(new byte[Topic.MAX_LENGTH + 1])).isEmpty();
    assertThat(Topic.tryParse(null)).isEmpty();
  }
}
