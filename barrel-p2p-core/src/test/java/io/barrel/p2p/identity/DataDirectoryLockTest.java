package io.barrel.p2p.identity;

import static io.barrel.p2p.identity.SecretFileTest.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {

  @TempDir Path root;

  @Test
  void theFirstLockCreatesTheDirectoryOwnerOnlyAndRecordsItsProcess() throws IOException {
    Path data = root.resolve("data");
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(data)) {
      assertThat(lock.file()).isEqualTo(data.resolve(DataDirectoryLock.FILE));
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(Files.readString(lock.file()).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }
  }

  @Test
  void aSecondLockInTheSameProcessIsRefusedUntilTheFirstIsReleased() {
    Path data = root.resolve("data");
    DataDirectoryLock first = DataDirectoryLock.acquire(data);

    assertThatThrownBy(() -> DataDirectoryLock.acquire(data)).isInstanceOf(IdentityException.class)
        .hasMessageContaining(data + " is in use by another running node")
        .hasMessageContaining("process " + ProcessHandle.current().pid())
        .hasMessageContaining("data directory of its own");

    first.close();
    first.close(); // idempotent
    try (DataDirectoryLock again = DataDirectoryLock.acquire(data)) {
      assertThat(again.file()).exists();
    }
  }

  @Test
  void aLockHeldByAnotherProcessIsRefusedAndFreedWhenThatProcessIsKilled() throws Exception {
    Path data = root.resolve("data");
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        DataDirectoryLockHolder.class.getName(), data.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("LOCKED");

      assertThatThrownBy(() -> DataDirectoryLock.acquire(data)).isInstanceOf(IdentityException.class)
          .hasMessageContaining("process " + holder.pid() + " holds " + data.resolve(DataDirectoryLock.FILE));

      holder.destroyForcibly(); // SIGKILL: the holder releases nothing itself
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      try (DataDirectoryLock mine = DataDirectoryLock.acquire(data)) {
        assertThat(Files.readString(mine.file()).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aDataDirectoryThatIsAFileIsRefusedWithWhatToDo() throws IOException {
    Path data = Files.writeString(root.resolve("data"), "not a directory");

    assertThatThrownBy(() -> DataDirectoryLock.acquire(data)).isInstanceOf(IdentityException.class)
        .hasMessageContaining("cannot create the lock")
        .hasMessageContaining("configure another data directory");
  }
}
