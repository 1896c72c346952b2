package io.barrel.p2p.transport;

import io.barrel.p2p.NodeName;

/**
 * Decides which of two connections between the same pair of nodes survives. A connection that
 * reaches a later life of the peer (a larger incarnation in its HELLO) wins outright: the peer
 * restarted, and the connection to its previous life leads to a process that is gone, however long
 * its idle timeout would take to say so; the restarted peer holds no other connection, so nothing
 * needs agreeing on. Between two connections to the same life, both dialed at once, both ends
 * apply the same rule to the same facts, so they keep the same connection without talking about
 * it: the one dialed by the node with the smaller name wins; between two connections dialed by the
 * same node (a redial while the old one is dying), the newer wins. The peer cannot tell a redial
 * from a dial that outlived its attempt, so the dialer itself drops the latter before the peer sees
 * it established (see {@code Transport.supersededBy}).
 */
final class DuplicateRule {

  private DuplicateRule() {}

  /**
   * True when {@code candidate} should replace {@code existing}.
   *
   * @param local this node
   * @param peer the other node
   * @param existingDialer who dialed the connection already in the table
   * @param candidateDialer who dialed the newly established one
   * @param existingLife the peer's incarnation on the connection already in the table
   * @param candidateLife the peer's incarnation on the newly established one
   */
  static boolean candidateWins(NodeName local, NodeName peer, NodeName existingDialer, NodeName candidateDialer,
      long existingLife, long candidateLife) {
    if (existingLife != candidateLife) {
      return candidateLife > existingLife;
    }
    NodeName preferredDialer = local.compareTo(peer) <= 0 ? local : peer;
    boolean existingPreferred = existingDialer.equals(preferredDialer);
    boolean candidatePreferred = candidateDialer.equals(preferredDialer);
    if (existingPreferred != candidatePreferred) {
      return candidatePreferred;
    }
    return true; // same dialer: the newer connection replaces a stale one
  }

  /**
   * True when a connection that lost to {@code keptLife} must be refused as {@link
   * CloseReason#IDENTITY_IN_USE} rather than dropped as a duplicate: it reached an earlier life of
   * the peer than the connection kept, which is in use and not closing. A crashed life does not
   * connect, so the earlier life is a process still running with the peer's identity (a copied data
   * directory or machine image, or a life record restored from an older backup), and it is told why.
   */
  static boolean earlierLifeStillRunning(long keptLife, long loserLife) {
    return loserLife < keptLife;
  }
}
