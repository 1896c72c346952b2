package io.barrel.p2p.crdt;

/**
 * The result of a local write on a replica: the delta to gossip and what changed here.
 *
 * @param delta the state fragment peers need to see the write; empty when nothing changed (then
 *     there is nothing to send)
 * @param change the entries the write added and removed locally
 * @param <V> the value type
 */
public record OrMapUpdate<V>(OrMapDelta<V> delta, OrMapChange<V> change) {}
