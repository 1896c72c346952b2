/** barrel-p2p: a secure peer-to-peer cluster over QUIC. The facade is {@link io.barrel.p2p.P2pNode}. */
package io.barrel.p2p;
