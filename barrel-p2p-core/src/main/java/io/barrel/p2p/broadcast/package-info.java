/**
 * Plumtree epidemic broadcast: the pure {@link io.barrel.p2p.broadcast.Plumtree} state machine, its
 * messages and their bounded codec, the effects and timers it hands its driver, and the per-topic
 * listener registry upper layers subscribe through.
 */
package io.barrel.p2p.broadcast;
