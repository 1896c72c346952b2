package io.barrel.p2p.testing;

import io.barrel.p2p.rpc.Idempotent;

/** The RPC service every {@link MemberProcess} publishes: which node answered. */
public interface NodeProbe {

  /** The name of the node that served the call. */
  @Idempotent
  String whoAmI();
}
