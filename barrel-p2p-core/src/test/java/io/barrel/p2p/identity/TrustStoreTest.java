package io.barrel.p2p.identity;

import static io.barrel.p2p.identity.SecretFileTest.listing;
import static io.barrel.p2p.identity.SecretFileTest.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrel.p2p.NodeName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrustStoreTest {

  private static final NodeName A = NodeName.of("a@h1");
  private static final NodeName B = NodeName.of("b@h2");
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path root;
  private final MutableClock clock = new MutableClock(Instant.parse("2024-05-06T07:08:09Z"));

  private Path trusted() {
    return root.resolve("data/keys/trusted");
  }

  private TrustStore store(TrustMode mode) {
    return new TrustStore(trusted(), mode, clock, SecretWriter.ATOMIC);
  }

  private static byte[] newKey() {
    return Ed25519.publicKeyOf(Ed25519.generateSeed(RANDOM));
  }

  // --- one key under two names ---

  @Test
  void aKeyFirstSeenUnderASecondNameIsPinnedAndReportedAsSharedWithTheFirst() throws IOException {
    TrustStore store = store(TrustMode.TOFU);
    byte[] shared = newKey();
    NodeName c = NodeName.of("c@h3");
    assertThat(store.recordSuccess(A, shared)).isEqualTo(TrustVerdict.FIRST_USE);
    assertThat(store.recordSuccess(c, newKey())).isEqualTo(TrustVerdict.FIRST_USE);
    assertThat(store.sharingKeyWith(A)).isEmpty();

    // A copied data directory (or a rename): allowed, as only the operator can tell which.
    assertThat(store.recordSuccess(B, shared)).isEqualTo(TrustVerdict.FIRST_USE);

    assertThat(store.sharingKeyWith(B)).containsExactly(A);
    assertThat(store.sharingKeyWith(A)).containsExactly(B);
    assertThat(store.sharingKeyWith(c)).isEmpty();
    assertThat(store.sharingKeyWith(NodeName.of("nobody@h9"))).isEmpty();
    // Known after a restart as well: it comes from the pins on disk.
    assertThat(store(TrustMode.TOFU).sharingKeyWith(B)).containsExactly(A);
  }

  // --- the verdict table ---

  @Test
  void unpinnedKeyIsAcceptedForFirstUseInTofuMode() {
    assertThat(store(TrustMode.TOFU).check(A, newKey())).isEqualTo(TrustVerdict.FIRST_USE);
  }

  @Test
  void unpinnedKeyIsUntrustedInStrictMode() {
    assertThat(store(TrustMode.STRICT).check(A, newKey())).isEqualTo(TrustVerdict.UNTRUSTED);
  }

  @ParameterizedTest
  @EnumSource(TrustMode.class)
  void pinnedAndEqualKeyIsAcceptedInEveryMode(TrustMode mode) {
    TrustStore store = store(mode);
    byte[] key = newKey();
    store.pin(A, key);

    assertThat(store.check(A, key)).isEqualTo(TrustVerdict.PINNED);
  }

  @ParameterizedTest
  @EnumSource(TrustMode.class)
  void pinnedButDifferentKeyIsRefusedInEveryMode(TrustMode mode) {
    TrustStore store = store(mode);
    store.pin(A, newKey());

    assertThat(store.check(A, newKey())).isEqualTo(TrustVerdict.KEY_MISMATCH);
  }

  @Test
  void malformedKeyIsNeverAFirstUse() {
    TrustStore store = store(TrustMode.TOFU);

    assertThat(store.check(A, new byte[31])).isEqualTo(TrustVerdict.UNTRUSTED);
    assertThat(store.check(A, null)).isEqualTo(TrustVerdict.UNTRUSTED);
    assertThat(store.recordSuccess(A, new byte[31])).isEqualTo(TrustVerdict.UNTRUSTED);
    assertThat(store.list()).isEmpty();
  }

  @Test
  void checkAnswersFromMemoryWithoutTheDisk() throws IOException {
    byte[] key = newKey();
    store(TrustMode.STRICT).pin(A, key);
    TrustStore reopened = store(TrustMode.STRICT);
    Files.delete(reopened.pinFile(A));
    Files.delete(trusted());

    assertThat(reopened.check(A, key)).isEqualTo(TrustVerdict.PINNED);
  }

  // --- recording successful handshakes ---

  @Test
  void tofuPinIsPersistedAndReloadedByANewStore() throws IOException {
    byte[] key = newKey();
    TrustStore store = store(TrustMode.TOFU);

    assertThat(store.recordSuccess(A, key)).isEqualTo(TrustVerdict.FIRST_USE);

    Path file = trusted().resolve("a@h1.pub");
    assertThat(Files.readAllBytes(file)).isEqualTo(key);
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(mode(trusted())).isEqualTo("rwx------");
    TrustPin pin = store.lookup(A).orElseThrow();
    assertThat(pin.level()).isEqualTo(PinLevel.TOFU);
    assertThat(pin.addedAt()).isEqualTo(clock.instant());
    assertThat(pin.lastSeen()).isEqualTo(clock.instant());

    TrustStore restarted = store(TrustMode.TOFU);
    assertThat(restarted.check(A, key)).isEqualTo(TrustVerdict.PINNED);
    assertThat(restarted.check(A, newKey())).isEqualTo(TrustVerdict.KEY_MISMATCH);
    assertThat(restarted.lookup(A).orElseThrow().level()).isEqualTo(PinLevel.PERMANENT);
  }

  @Test
  void sameKeyAgainOnlyUpdatesLastSeen() {
    byte[] key = newKey();
    TrustStore store = store(TrustMode.TOFU);
    store.recordSuccess(A, key);
    Instant pinnedAt = clock.instant();
    clock.advance(Duration.ofMinutes(5));

    assertThat(store.recordSuccess(A, key)).isEqualTo(TrustVerdict.PINNED);

    TrustPin pin = store.lookup(A).orElseThrow();
    assertThat(pin.addedAt()).isEqualTo(pinnedAt);
    assertThat(pin.lastSeen()).isEqualTo(pinnedAt.plus(Duration.ofMinutes(5)));
    assertThat(pin.level()).isEqualTo(PinLevel.TOFU);
  }

  @Test
  void strictModeRecordsNothing() {
    TrustStore store = store(TrustMode.STRICT);

    assertThat(store.recordSuccess(A, newKey())).isEqualTo(TrustVerdict.UNTRUSTED);

    assertThat(store.list()).isEmpty();
    assertThat(Files.exists(trusted().resolve("a@h1.pub"))).isFalse();
  }

  @Test
  void strictModeStillTracksWhenAPinnedPeerWasLastSeen() {
    byte[] key = newKey();
    TrustStore store = store(TrustMode.STRICT);
    store.pin(A, key);
    clock.advance(Duration.ofSeconds(30));

    assertThat(store.recordSuccess(A, key)).isEqualTo(TrustVerdict.PINNED);
    assertThat(store.lookup(A).orElseThrow().lastSeen()).isEqualTo(clock.instant());
  }

  @Test
  void differentPinAppearingDuringTheHandshakeIsAMismatch() {
    TrustStore store = store(TrustMode.TOFU);
    byte[] presented = newKey();
    byte[] operatorKey = newKey();
    assertThat(store.check(A, presented)).isEqualTo(TrustVerdict.FIRST_USE);
    store.pin(A, operatorKey); // lands while the handshake is still running

    assertThat(store.recordSuccess(A, presented)).isEqualTo(TrustVerdict.KEY_MISMATCH);

    assertThat(store.lookup(A).orElseThrow().matches(operatorKey)).isTrue();
  }

  @Test
  void concurrentFirstUsesOfOneNamePinExactlyOneKey() throws Exception {
    TrustStore store = store(TrustMode.TOFU);
    int racers = 8;
    List<byte[]> keys = java.util.stream.IntStream.range(0, racers).mapToObj(i -> newKey()).toList();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<TrustVerdict>> verdicts = new java.util.ArrayList<>();
      for (byte[] key : keys) {
        Callable<TrustVerdict> race = () -> {
          start.await();
          return store.recordSuccess(A, key);
        };
        verdicts.add(pool.submit(race));
      }
      start.countDown();
      List<TrustVerdict> results = new java.util.ArrayList<>();
      for (Future<TrustVerdict> v : verdicts) {
        results.add(v.get());
      }

      assertThat(results).containsOnlyOnce(TrustVerdict.FIRST_USE);
      assertThat(results).filteredOn(v -> v == TrustVerdict.KEY_MISMATCH).hasSize(racers - 1);
      byte[] winner = keys.get(results.indexOf(TrustVerdict.FIRST_USE));
      assertThat(Files.readAllBytes(store.pinFile(A))).isEqualTo(winner);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tofuPinThatCannotBeSavedStillHoldsInMemory() {
    TrustStore store = new TrustStore(trusted(), TrustMode.TOFU, clock, (target, content) -> {
      throw new IOException("read-only file system");
    });
    byte[] key = newKey();

    assertThat(store.recordSuccess(A, key)).isEqualTo(TrustVerdict.FIRST_USE);

    assertThat(store.check(A, newKey())).isEqualTo(TrustVerdict.KEY_MISMATCH);
  }

  // --- mode switch ---

  @Test
  void runtimeModeSwitchChangesTheNextCheck() {
    TrustStore store = store(TrustMode.TOFU);
    byte[] key = newKey();
    assertThat(store.check(A, key)).isEqualTo(TrustVerdict.FIRST_USE);

    store.setMode(TrustMode.STRICT);

    assertThat(store.mode()).isEqualTo(TrustMode.STRICT);
    assertThat(store.check(A, key)).isEqualTo(TrustVerdict.UNTRUSTED);
    assertThat(store.recordSuccess(A, key)).isEqualTo(TrustVerdict.UNTRUSTED);

    store.setMode(TrustMode.TOFU);
    assertThat(store.check(A, key)).isEqualTo(TrustVerdict.FIRST_USE);
  }

  // --- loading ---

  @Test
  void invalidPinFilesAreSkippedAndValidOnesLoaded() throws IOException {
    Files.createDirectories(trusted());
    byte[] good = newKey();
    Files.write(trusted().resolve("d@h4.pub"), good);
    Files.write(trusted().resolve("not-a-node-name.pub"), newKey());
    Files.write(trusted().resolve("a@h1.pub"), new byte[31]);
    Files.write(trusted().resolve("b@h2.key"), newKey());
    Files.writeString(trusted().resolve("c@h3.pub"), "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n");
    Files.createDirectory(trusted().resolve("e@h5.pub"));
    Files.write(trusted().resolve(".f@h6.pub.0011223344556677.tmp"), newKey());

    TrustStore store = store(TrustMode.STRICT);

    assertThat(store.list()).extracting(TrustPin::node).containsExactly(NodeName.of("d@h4"));
    assertThat(store.check(NodeName.of("d@h4"), good)).isEqualTo(TrustVerdict.PINNED);
    assertThat(store.lookup(NodeName.of("d@h4")).orElseThrow().level()).isEqualTo(PinLevel.PERMANENT);
    assertThat(listing(trusted())).doesNotContain(".f@h6.pub.0011223344556677.tmp");
  }

  @Test
  void missingTrustedDirectoryMeansNoPins() {
    TrustStore store = store(TrustMode.TOFU);

    assertThat(store.list()).isEmpty();
    assertThat(Files.exists(trusted())).isFalse();
  }

  // --- operator API ---

  @Test
  void operatorPinOverwritesAndIsPermanent() throws IOException {
    TrustStore store = store(TrustMode.TOFU);
    store.recordSuccess(A, newKey());
    byte[] replacement = newKey();

    store.pin(A, replacement);

    TrustPin pin = store.lookup(A).orElseThrow();
    assertThat(pin.level()).isEqualTo(PinLevel.PERMANENT);
    assertThat(pin.publicKey()).isEqualTo(replacement);
    assertThat(pin.fingerprint()).isEqualTo(Fingerprint.of(replacement));
    assertThat(Files.readAllBytes(store.pinFile(A))).isEqualTo(replacement);
  }

  @Test
  void pinOfAMalformedKeyIsRefused() {
    assertThatThrownBy(() -> store(TrustMode.TOFU).pin(A, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32-byte");
  }

  @Test
  void unpinRemovesTheFileSoTofuCanPinTheRotatedKey() {
    TrustStore store = store(TrustMode.TOFU);
    store.pin(A, newKey());
    byte[] rotated = newKey();
    assertThat(store.check(A, rotated)).isEqualTo(TrustVerdict.KEY_MISMATCH);

    assertThat(store.unpin(A)).isTrue();

    assertThat(Files.exists(store.pinFile(A))).isFalse();
    assertThat(store.lookup(A)).isEmpty();
    assertThat(store.check(A, rotated)).isEqualTo(TrustVerdict.FIRST_USE);
    assertThat(store(TrustMode.TOFU).lookup(A)).isEmpty();
  }

  @Test
  void unpinOfAnUnknownNodeReportsNothingRemoved() {
    assertThat(store(TrustMode.TOFU).unpin(B)).isFalse();
  }

  @Test
  void listIsSortedByNode() {
    TrustStore store = store(TrustMode.TOFU);
    store.pin(NodeName.of("c@h"), newKey());
    store.pin(NodeName.of("a@h"), newKey());
    store.pin(NodeName.of("b@h"), newKey());

    assertThat(store.list()).extracting(p -> p.node().toString()).containsExactly("a@h", "b@h", "c@h");
  }

  @Test
  void pinReturnsACopyOfItsKey() {
    TrustStore store = store(TrustMode.TOFU);
    byte[] key = newKey();
    store.pin(A, key);

    store.lookup(A).orElseThrow().publicKey()[0] ^= 1;
    key[1] ^= 1;

    key[1] ^= 1;
    assertThat(store.check(A, key)).isEqualTo(TrustVerdict.PINNED);
  }

  // --- explanations ---

  @Test
  void mismatchExplanationNamesBothFingerprintsAndThePinFile() {
    TrustStore store = store(TrustMode.TOFU);
    byte[] pinned = newKey();
    byte[] presented = newKey();
    store.pin(A, pinned);

    String text = store.explain(A, presented, TrustVerdict.KEY_MISMATCH);

    assertThat(text)
        .startsWith("node 'a@h1' presented a different key (" + Fingerprint.of(presented) + ")")
        .contains("pinned in " + trusted().resolve("a@h1.pub") + " (" + Fingerprint.of(pinned) + ")")
        .contains("delete the pin (unpin) if the key was rotated on purpose");
  }

  @Test
  void untrustedExplanationSaysHowToPin() {
    TrustStore store = store(TrustMode.STRICT);
    byte[] presented = newKey();

    String text = store.explain(A, presented, TrustVerdict.UNTRUSTED);

    assertThat(text).contains("not pinned").contains("STRICT").contains(trusted().resolve("a@h1.pub").toString())
        .contains(Fingerprint.of(presented).toString());
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
