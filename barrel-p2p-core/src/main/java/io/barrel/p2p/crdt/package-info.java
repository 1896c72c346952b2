/**
 * The replicated data the registry stands on, pure: a {@link io.barrel.p2p.crdt.HybridLogicalClock}
 * that refuses readings too far ahead, and a delta-state observed-remove map
 * ({@link io.barrel.p2p.crdt.OrMap}) with dots, a compacting causal context, deltas, digests and
 * anti-entropy answers, and its bounded wire codec ({@link io.barrel.p2p.crdt.OrMapCodec}). No
 * threads, no I/O, no clock but the injected one; the only project type used is
 * {@link io.barrel.p2p.NodeName}, the name dots are filed under.
 */
package io.barrel.p2p.crdt;
