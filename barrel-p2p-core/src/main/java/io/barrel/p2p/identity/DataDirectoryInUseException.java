package io.barrel.p2p.identity;

/**
 * Another running node holds the data directory (see {@link DataDirectoryLock}): a start that would
 * make one identity run twice. Its own type so that callers (Spring's failure analysis) can say what
 * to do without reading the message.
 */
public final class DataDirectoryInUseException extends IdentityException {

  /** A refusal with the message that names the directory, its lock file and the holder. */
  public DataDirectoryInUseException(String message) {
    super(message);
  }
}
