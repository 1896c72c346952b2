package io.barrel.p2p.transport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AuthTranscriptTest {

  private static final byte[] NONCE = filled(0x01, 32);
  private static final byte[] KEY = filled(0x02, 32);
  private static final byte[] BINDING = filled(0x03, 32);

  private static byte[] filled(int value, int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  @Test
  void layoutIsContextRoleNonceTimestampNameKeyBinding() {
    byte[] transcript = AuthTranscript.of(HandshakeRole.SERVER, NONCE, 0x0102030405060708L, NodeName.of("a@b"),
        KEY, BINDING);

    assertThat(new String(transcript, 0, 17, StandardCharsets.US_ASCII)).isEqualTo("barrel-p2p/auth/1");
    assertThat(transcript[17]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(transcript, 18, 50)).isEqualTo(NONCE);
    assertThat(Arrays.copyOfRange(transcript, 50, 58)).isEqualTo(HexFormat.of().parseHex("0102030405060708"));
    assertThat(transcript[58]).isEqualTo((byte) 3);
    assertThat(new String(transcript, 59, 3, StandardCharsets.US_ASCII)).isEqualTo("a@b");
    assertThat(Arrays.copyOfRange(transcript, 62, 94)).isEqualTo(KEY);
    assertThat(Arrays.copyOfRange(transcript, 94, 126)).isEqualTo(BINDING);
    assertThat(transcript).hasSize(126);
  }

  @Test
  void clientAndServerRolesSignDifferentBytes() {
    byte[] client = AuthTranscript.of(HandshakeRole.CLIENT, NONCE, 1, NodeName.of("a@b"), KEY, BINDING);
    byte[] server = AuthTranscript.of(HandshakeRole.SERVER, NONCE, 1, NodeName.of("a@b"), KEY, BINDING);

    assertThat(client[17]).isZero();
    assertThat(client).isNotEqualTo(server);
  }

  @Test
  void fieldsOfTheWrongSizeAreRefused() {
    NodeName name = NodeName.of("a@b");
    assertThatThrownBy(() -> AuthTranscript.of(HandshakeRole.CLIENT, new byte[31], 1, name, KEY, BINDING))
        .hasMessageContaining("nonce");
    assertThatThrownBy(() -> AuthTranscript.of(HandshakeRole.CLIENT, NONCE, 1, name, new byte[33], BINDING))
        .hasMessageContaining("signer key");
    assertThatThrownBy(() -> AuthTranscript.of(HandshakeRole.CLIENT, NONCE, 1, name, KEY, null))
        .hasMessageContaining("channel binding");
  }
}
