/**
 * The channel-bound Ed25519 handshake that runs on a fresh QUIC connection before any other frame
 * is accepted: frames and their codec, the signed transcript, the cluster-secret proof, and the
 * pure {@link io.barrel.p2p.transport.auth.AuthHandshake} state machine that the transport drives.
 */
package io.barrel.p2p.transport.auth;
