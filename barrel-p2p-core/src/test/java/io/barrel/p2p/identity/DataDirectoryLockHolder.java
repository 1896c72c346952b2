package io.barrel.p2p.identity;

/**
 * A process that locks the data directory given as its argument, says {@code LOCKED}, and holds the
 * lock until it is killed (or its standard input ends): the other process of {@link DataDirectoryLockTest}.
 */
final class DataDirectoryLockHolder {

  private DataDirectoryLockHolder() {}

  public static void main(String[] args) throws Exception {
    DataDirectoryLock lock = DataDirectoryLock.acquire(java.nio.file.Path.of(args[0]));
    System.out.println("LOCKED");
    System.out.flush();
    // Held until killed; an ended standard input (the test JVM went away) ends it too.
    while (System.in.read() >= 0) {
      // keep holding
    }
    lock.close();
  }
}
