/**
 * HyParView membership: the pure {@link io.barrel.p2p.membership.HyParView} state machine that keeps
 * a small symmetric active view and a larger passive view per node, its messages and their wire
 * codec, its configuration, and the membership events (peer up, peer down with a reason) the
 * layers above subscribe to.
 */
package io.barrel.p2p.membership;
