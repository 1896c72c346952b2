package io.barrel.p2p.identity;

import static io.barrel.p2p.identity.SecretFileTest.listing;
import static io.barrel.p2p.identity.SecretFileTest.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IncarnationStoreTest {

  private static final long NOW = 1_790_000_000_000L;

  @TempDir Path root;

  private Path keys() {
    return root.resolve("keys");
  }

  private String recorded() throws IOException {
    return Files.readString(keys().resolve(IncarnationStore.FILE), StandardCharsets.US_ASCII);
  }

  @Test
  void theFirstStartTakesTheWallClockAndRecordsItOwnerOnly() throws IOException {
    long life = new IncarnationStore(keys()).begin(NOW);

    assertThat(life).isEqualTo(NOW);
    assertThat(recorded()).isEqualTo(NOW + "\n");
    assertThat(mode(keys().resolve(IncarnationStore.FILE))).isEqualTo("rw-------");
    assertThat(listing(keys())).containsExactly(IncarnationStore.FILE);
  }

  @Test
  void aLaterStartTakesTheWallClockWhenItIsAheadOfTheLastLife() {
    new IncarnationStore(keys()).begin(NOW);

    assertThat(new IncarnationStore(keys()).begin(NOW + 60_000)).isEqualTo(NOW + 60_000);
  }

  @Test
  void aStartWithinTheSameMillisecondOrWithTheClockSetBackTakesOneAboveTheLastLife() throws IOException {
    long first = new IncarnationStore(keys()).begin(NOW);
    long sameMillisecond = new IncarnationStore(keys()).begin(NOW);
    long clockBackAnHour = new IncarnationStore(keys()).begin(NOW - 3_600_000);

    assertThat(sameMillisecond).isEqualTo(first + 1);
    assertThat(clockBackAnHour).isEqualTo(first + 2);
    assertThat(recorded()).isEqualTo((first + 2) + "\n");
  }

  @Test
  void livesRiseAcrossAThousandStartsWhateverTheClockDoes() {
    SplittableRandom random = new SplittableRandom(7);
    long clock = NOW;
    long last = -1;
    for (int start = 0; start < 1_000; start++) {
      // The clock moves on, stands still or goes back by up to a day between starts.
      clock = Math.max(0, clock + random.nextLong(-86_400_000L, 86_400_000L));
      long life = new IncarnationStore(keys()).begin(clock);
      assertThat(life).as("start %d at clock %d", start, clock).isGreaterThan(last).isGreaterThanOrEqualTo(clock);
      last = life;
    }
  }

  @Test
  void aRecordWithSpacesAroundItsNumberIsRead() throws IOException {
    Files.createDirectories(keys());
    Files.writeString(keys().resolve(IncarnationStore.FILE), "  " + (NOW + 5) + " \r\n");

    assertThat(new IncarnationStore(keys()).begin(NOW)).isEqualTo(NOW + 6);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "abc", "-5", "12 34", "0x10", "1e9", "9223372036854775807",
      "9223372036854775808", "99999999999999999999", "00000000000000000000000000000000000000000000000000000000000000001"})
  void aRecordThatIsNoIncarnationIsReplacedByTheWallClocksReading(String content) throws IOException {
    Files.createDirectories(keys());
    Files.writeString(keys().resolve(IncarnationStore.FILE), content, StandardCharsets.US_ASCII);

    assertThat(new IncarnationStore(keys()).begin(NOW)).isEqualTo(NOW);
    assertThat(recorded()).isEqualTo(NOW + "\n");
  }

  @Test
  void aRecordReadOnlyUpToItsBoundIsNoIncarnation() throws IOException {
    // A file of a megabyte of digits: read up to the bound and refused, never parsed whole.
    Files.createDirectories(keys());
    Files.writeString(keys().resolve(IncarnationStore.FILE), "7".repeat(1 << 20), StandardCharsets.US_ASCII);

    assertThat(new IncarnationStore(keys()).begin(NOW)).isEqualTo(NOW);
  }

  @Test
  void aLifeThatCannotBeRecordedFailsTheStartAndSaysWhereAndWhatToDo() {
    new IncarnationStore(keys()).begin(NOW);
    IncarnationStore full = new IncarnationStore(keys(), (target, content) -> {
      throw new IOException("No space left on device");
    });

    assertThatThrownBy(() -> full.begin(NOW + 1))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining(keys().resolve(IncarnationStore.FILE).toString())
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("writable");
  }

  @Test
  void aRecordThatCannotBeReadFailsTheStart() throws IOException {
    // A directory where the file should be: there is something, and it cannot be read as one.
    Files.createDirectories(keys().resolve(IncarnationStore.FILE));

    assertThatThrownBy(() -> new IncarnationStore(keys()).begin(NOW))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("could not read the last incarnation");
  }

  @Test
  void aWallClockBeforeTheEpochIsRefused() {
    assertThatThrownBy(() -> new IncarnationStore(keys()).begin(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
