package io.barrel.p2p.autoconfigure;

import io.barrel.p2p.identity.DataDirectoryInUseException;
import io.barrel.p2p.identity.IdentityException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a node that could not start on its data directory: held by another running node (two
 * instances of one application started with the same {@code barrel.p2p.data-directory}, the
 * default {@code data} among them), or whose identity files are damaged or cannot be written. The
 * core's message says what is wrong and what to do; this analysis puts it first, with the directory
 * the application configured.
 */
public final class P2pDataDirectoryFailureAnalyzer extends AbstractFailureAnalyzer<IdentityException> {

  private static final String PROPERTY = P2pProperties.PREFIX + ".data-directory";

  private final @Nullable Environment environment;

  /** Boot passes the application's environment, when there is one yet. */
  public P2pDataDirectoryFailureAnalyzer(@Nullable Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, IdentityException cause) {
    String configured = environment == null ? null : environment.getProperty(PROPERTY);
    String description = "barrel-p2p could not use its data directory: " + cause.getMessage() + "\n\n    Property: "
        + PROPERTY + "\n    Value: " + (configured == null ? "(not set: the default, data)" : "\"" + configured + "\"");
    String action = cause instanceof DataDirectoryInUseException
        ? "Give each instance of the application a data directory of its own (" + PROPERTY + "): it holds the "
            + "node's identity, so two instances on one directory would be one node twice. Or stop the other instance."
        : "Do what the description says about the files under " + PROPERTY + ", or point " + PROPERTY
            + " at another directory (a new directory means a new identity, which peers that pinned the old key refuse).";
    return new FailureAnalysis(description, action, cause);
  }
}
